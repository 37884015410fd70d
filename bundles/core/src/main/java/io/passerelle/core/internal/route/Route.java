package io.passerelle.core.internal.route;

import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.passerelle.api.RouteInfo;
import io.passerelle.api.RouteOptions;

/** One generation of a route: its validated spec and the counters it shares with its other generations. */
public final class Route implements RouteInfo {

    /** Counters kept across the generations of one route. */
    public static final class Stats {
        private final LongAdder requests = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final AtomicLong tunnels = new AtomicLong();

        public long requests() {
            return requests.sum();
        }

        public long errors() {
            return errors.sum();
        }

        public long tunnels() {
            return tunnels.get();
        }

        public void countRequest() {
            requests.increment();
        }

        /** An exchange that ended in error: a 5xx made by the proxy, an aborted stream, a client gone. */
        public void countError() {
            errors.increment();
        }

        public void tunnelOpened() {
            tunnels.incrementAndGet();
        }

        public void tunnelClosed() {
            tunnels.decrementAndGet();
        }
    }

    private final RouteSpec spec;
    private final long generation;
    private final Stats stats;
    private final URI url;

    public Route(RouteSpec spec, long generation, Stats stats) {
        this.spec = spec;
        this.generation = generation;
        this.stats = stats;
        this.url = spec.url() == null ? null
                : URI.create(spec.url().endsWith(":") ? spec.url() + "/" : spec.url().replaceAll("\\$(\\d)", "x"));
    }

    public RouteSpec spec() {
        return spec;
    }

    public Stats stats() {
        return stats;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public long generation() {
        return generation;
    }

    @Override
    public RouteOptions options() {
        return spec.options();
    }

    @Override
    public String frontPrefix() {
        return spec.path();
    }

    @Override
    public URI url() {
        return url;
    }

    @Override
    public String toString() {
        return spec.name() + "#" + generation;
    }
}
