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

    /** Routes in evaluation order. */
    List<RouteView> routes();

    List<ListenerView> listeners();
}
