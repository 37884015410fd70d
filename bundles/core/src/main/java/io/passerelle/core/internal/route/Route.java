package io.passerelle.core.internal.route;

import java.net.URI;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import io.passerelle.api.ProxyStatus;
import io.passerelle.api.RouteInfo;
import io.passerelle.api.RouteOptions;

/** One generation of a route: its validated spec and the counters it shares with its other generations. */
public final class Route implements RouteInfo {

    /**
     * Counters kept across the generations of one route. Written on the I/O threads without locks (adders, an
     * atomic array, HdrHistogram's wait-free {@link Recorder}); read by status pages and metrics.
     */
    public static final class Stats {
        /** Latencies are recorded in microseconds, up to an hour, to three significant digits. */
        private static final long MAX_MICROS = 3_600_000_000L;
        /** Prometheus buckets of passerelle_request_duration_seconds (the client libraries' defaults). */
        private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

        private final LongAdder requests = new LongAdder();
        private final LongAdder errors = new LongAdder();
        private final AtomicLong tunnels = new AtomicLong();
        private final LongAdder tunnelsTotal = new LongAdder();
        private final LongAdder bytesIn = new LongAdder();
        private final LongAdder bytesOut = new LongAdder();
        /** Exchanges ended by status code, 0 to 599 (0: nothing answered). */
        private final AtomicLongArray responses = new AtomicLongArray(600);
        private final Recorder latency = new Recorder(1, MAX_MICROS, 3);
        /** What the recorder handed over so far: read and added to under this object's lock, by readers only. */
        private final Histogram latencyTotal = new Histogram(1, MAX_MICROS, 3);
        private Histogram interval;

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
            tunnelsTotal.increment();
        }

        /**
         * An exchange ended (on its I/O thread).
         *
         * @param status  its response's status, 101 for a tunnel, 0 when nothing was answered
         * @param nanos   from its request head to its end; recorded as latency for HTTP exchanges only
         */
        public void exchangeEnded(int status, long nanos, long in, long out, boolean tunnel) {
            responses.incrementAndGet(status >= 0 && status < 600 ? status : 0);
            bytesIn.add(in);
            bytesOut.add(out);
            if (!tunnel) {
                latency.recordValue(Math.min(MAX_MICROS, Math.max(1, nanos / 1000)));
            }
        }

        public long tunnelsTotal() {
            return tunnelsTotal.sum();
        }

        public long bytesIn() {
            return bytesIn.sum();
        }

        public long bytesOut() {
            return bytesOut.sum();
        }

        /** Exchanges ended by status code, the codes seen only. */
        public Map<Integer, Long> responses() {
            Map<Integer, Long> out = new TreeMap<>();
            for (int i = 0; i < 600; i++) {
                long n = responses.get(i);
                if (n != 0) {
                    out.put(i, n);
                }
            }
            return out;
        }

        /** The latencies recorded so far. */
        public synchronized ProxyStatus.Latency latency() {
            interval = latency.getIntervalHistogram(interval);
            latencyTotal.add(interval);
            Histogram h = latencyTotal;
            long[] counts = new long[BOUNDS.length];
            for (int i = 0; i < BOUNDS.length; i++) {
                counts[i] = h.getTotalCount() == 0 ? 0 : h.getCountBetweenValues(0, (long) (BOUNDS[i] * 1_000_000));
            }
            long n = h.getTotalCount();
            return new ProxyStatus.Latency(n, n == 0 ? 0 : h.getMean() * n / 1e6,
                    h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(95) / 1e6, h.getValueAtPercentile(99) / 1e6,
                    BOUNDS.clone(), counts);
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
