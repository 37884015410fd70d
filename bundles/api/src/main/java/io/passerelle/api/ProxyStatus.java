package io.passerelle.api;

import java.util.List;
import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** Read-only figures of the core, for shell commands and JMX. */
@ProviderType
public interface ProxyStatus {

    /**
     * A route as {@code proxy:routes} shows it.
     *
     * @param state {@code active} or {@code waiting for FEATURE}
     */
    record RouteView(String name, String pathOrMatch, String url, int order, long generation, String state,
            long requests, long openTunnels, long errors) {
    }

    /** A listener as {@code proxy:listeners} shows it. */
    record ListenerView(String name, String address, boolean tls, long openConnections, String state) {
    }

    /**
     * An open tunnel as {@code proxy:tunnels} shows it.
     *
     * @param route      the route it was opened under ({@code (rewrite)} for a hook's proxy decision)
     * @param generation that route's generation when it was opened
     */
    record TunnelView(String client, String backend, String route, long generation, long ageMillis,
            long bytesToBackend, long bytesToClient) {
    }

    /**
     * Request latencies of a route: percentiles, and Prometheus-style cumulative buckets ({@code counts[i]}
     * exchanges took at most {@code bounds[i]} seconds).
     */
    record Latency(long count, double sumSeconds, double p50, double p95, double p99, double[] bounds, long[] counts) {
    }

    /**
     * A route's figures for status pages and metrics, over all its generations.
     *
     * @param responses   exchanges ended, by status code (101 for a tunnel; 0 when nothing was answered)
     * @param bytesIn     body (or tunnel) bytes received from clients
     * @param bytesOut    body (or tunnel) bytes sent to clients
     * @param latency     of its HTTP exchanges (not its tunnels), from the request head to the response's end
     */
    record RouteFigures(String name, long generation, Map<Integer, Long> responses, long errors, long openTunnels,
            long tunnelsTotal, long bytesIn, long bytesOut, Latency latency) {
    }

    /** Routes in evaluation order. */
    List<RouteView> routes();

    /** The figures of each route, in evaluation order. */
    List<RouteFigures> routeFigures();

    List<ListenerView> listeners();

    /** Open tunnels, oldest first. */
    List<TunnelView> tunnels();
}
