package io.passerelle.core.internal.route;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Component;

/**
 * The routes in evaluation order. Changed by configuration threads (copy on write), read lock-free by the
 * I/O threads from an immutable snapshot.
 */
@Component(service = RouteTable.class)
public final class RouteTable {

    private final AtomicLong generations = new AtomicLong();
    private final Map<String, Route> byPid = new HashMap<>();
    private final Map<String, Route.Stats> statsByName = new HashMap<>();
    private volatile Route[] snapshot = new Route[0];

    /** Adds or replaces the route of a configuration; returns the new generation. */
    public synchronized Route put(String pid, RouteSpec spec) {
        Route.Stats stats = statsByName.computeIfAbsent(spec.name(), n -> new Route.Stats());
        Route route = new Route(spec, generations.incrementAndGet(), stats);
        byPid.put(pid, route);
        publish();
        return route;
    }

    public synchronized void remove(String pid) {
        Route old = byPid.remove(pid);
        if (old != null) {
            if (byPid.values().stream().noneMatch(r -> r.name().equals(old.name()))) {
                statsByName.remove(old.name());
            }
            publish();
        }
    }

    private void publish() {
        Route[] routes = byPid.values().toArray(new Route[0]);
        Arrays.sort(routes, (a, b) -> RouteSpec.compare(a.spec(), b.spec()));
        snapshot = routes;
    }

    /** The routes in evaluation order (do not modify the array). */
    public Route[] routes() {
        return snapshot;
    }
}
