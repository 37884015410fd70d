package io.passerelle.demo.internal;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/** Validated, immutable form of {@link DemoConfig}. */
record DemoSettings(String host, int httpPort, int wsPort) {

    DemoSettings {
        if (host == null || host.isBlank()) {
            throw new ConfigException("host", "must not be empty");
        }
        if (httpPort != 0 && httpPort == wsPort) {
            throw new ConfigException("ws.port", "must differ from http.port (" + httpPort + ")");
        }
        host = host.trim();
    }

    static DemoSettings from(Config c) {
        return new DemoSettings(c.string("host"), c.integer("http.port", 0, 65535), c.integer("ws.port", 0, 65535));
    }
}
