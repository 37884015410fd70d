package io.passerelle.core.internal.status;

import java.beans.ConstructorProperties;

/**
 * The figures of {@code proxy:routes}, {@code proxy:listeners} and {@code proxy:tunnels} as a JMX MXBean,
 * {@code io.passerelle:type=Proxy} (attributes {@code Routes}, {@code Listeners} and {@code Tunnels}).
 */
public interface ProxyMXBean {

    String OBJECT_NAME = "io.passerelle:type=Proxy";

    RouteData[] getRoutes();

    ListenerData[] getListeners();

    TunnelData[] getTunnels();

    /** One open tunnel. */
    final class TunnelData {
        private final String client;
        private final String backend;
        private final String route;
        private final long generation;
        private final long ageMillis;
        private final long bytesToBackend;
        private final long bytesToClient;

        @ConstructorProperties({"client", "backend", "route", "generation", "ageMillis", "bytesToBackend", "bytesToClient"})
        public TunnelData(String client, String backend, String route, long generation, long ageMillis,
                long bytesToBackend, long bytesToClient) {
            this.client = client;
            this.backend = backend;
            this.route = route;
            this.generation = generation;
            this.ageMillis = ageMillis;
            this.bytesToBackend = bytesToBackend;
            this.bytesToClient = bytesToClient;
        }

        public String getClient() {
            return client;
        }

        public String getBackend() {
            return backend;
        }

        public String getRoute() {
            return route;
        }

        public long getGeneration() {
            return generation;
        }

        public long getAgeMillis() {
            return ageMillis;
        }

        public long getBytesToBackend() {
            return bytesToBackend;
        }

        public long getBytesToClient() {
            return bytesToClient;
        }
    }

    /** One route, in evaluation order. */
    final class RouteData {
        private final String name;
        private final String pathOrMatch;
        private final String url;
        private final int order;
        private final long generation;
        private final String state;
        private final long requests;
        private final long openTunnels;
        private final long errors;

        @ConstructorProperties({"name", "pathOrMatch", "url", "order", "generation", "state", "requests",
                "openTunnels", "errors"})
        public RouteData(String name, String pathOrMatch, String url, int order, long generation, String state,
                long requests, long openTunnels, long errors) {
            this.name = name;
            this.pathOrMatch = pathOrMatch;
            this.url = url;
            this.order = order;
            this.generation = generation;
            this.state = state;
            this.requests = requests;
            this.openTunnels = openTunnels;
            this.errors = errors;
        }

        public String getName() {
            return name;
        }

        public String getPathOrMatch() {
            return pathOrMatch;
        }

        public String getUrl() {
            return url;
        }

        public int getOrder() {
            return order;
        }

        public long getGeneration() {
            return generation;
        }

        public String getState() {
            return state;
        }

        public long getRequests() {
            return requests;
        }

        public long getOpenTunnels() {
            return openTunnels;
        }

        public long getErrors() {
            return errors;
        }
    }

    /** One listener. */
    final class ListenerData {
        private final String name;
        private final String address;
        private final boolean tls;
        private final long openConnections;

        @ConstructorProperties({"name", "address", "tls", "openConnections"})
        public ListenerData(String name, String address, boolean tls, long openConnections) {
            this.name = name;
            this.address = address;
            this.tls = tls;
            this.openConnections = openConnections;
        }

        public String getName() {
            return name;
        }

        public String getAddress() {
            return address;
        }

        public boolean isTls() {
            return tls;
        }

        public long getOpenConnections() {
            return openConnections;
        }
    }
}
