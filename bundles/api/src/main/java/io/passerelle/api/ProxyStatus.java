package io.passerelle.api;

import java.util.List;

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

    /** Routes in evaluation order. */
    List<RouteView> routes();

    List<ListenerView> listeners();

    /** Open tunnels, oldest first. */
    List<TunnelView> tunnels();
}
