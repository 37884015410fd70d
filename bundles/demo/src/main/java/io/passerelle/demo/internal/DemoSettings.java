package io.passerelle.demo.internal;

/** Validated, immutable form of {@link DemoConfig}. */
record DemoSettings(String host, int httpPort, int wsPort) {

    DemoSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host: must not be empty");
        }
        checkPort("http.port", httpPort);
        checkPort("ws.port", wsPort);
        if (httpPort != 0 && httpPort == wsPort) {
            throw new IllegalArgumentException("ws.port: must differ from http.port (" + httpPort + ")");
        }
        host = host.trim();
    }

    static DemoSettings from(DemoConfig config) {
        return new DemoSettings(config.host(), config.http_port(), config.ws_port());
    }

    private static void checkPort(String key, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(key + ": " + port + " is not a port number (0..65535)");
        }
    }
}
