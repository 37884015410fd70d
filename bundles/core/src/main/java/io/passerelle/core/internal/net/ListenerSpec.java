package io.passerelle.core.internal.net;

import io.passerelle.core.internal.config.ConfigException;
import io.passerelle.core.internal.config.ConfigSource;

/** A validated listener configuration (SPEC §4.1). */
record ListenerSpec(String name, String host, int port, String keystore, String keystorePassword,
        int headerMaxBytes, int headerMaxCount, long headerTimeoutMillis, long keepaliveTimeoutMillis,
        int maxConnections) {

    static ListenerSpec from(ConfigSource c) {
        String host = c.get("host", "0.0.0.0");
        if (host.contains(" ") || host.contains("/")) {
            throw new ConfigException("host", "'" + host + "' is not a host name or address");
        }
        if (c.get("port") == null) {
            throw new ConfigException("port", "required");
        }
        int port = c.integer("port", 8080, 0, 65535);
        int maxBytes = c.integer("header.max.bytes", 16384, 256, 1 << 20);
        int maxCount = c.integer("header.max.count", 100, 1, 10_000);
        long headerTimeout = c.duration("header.timeout", "20s");
        long keepalive = c.duration("keepalive.timeout", "60s");
        int maxConnections = c.integer("max.connections", 100_000, 1, Integer.MAX_VALUE);
        if (headerTimeout <= 0) {
            throw new ConfigException("header.timeout", "must be positive");
        }
        String keystore = c.get("tls.keystore");
        return new ListenerSpec(c.name(), host, port, keystore, c.get("tls.keystore.password"), maxBytes, maxCount,
                headerTimeout, keepalive, maxConnections);
    }

    boolean tls() {
        return keystore != null;
    }

    /** Whether moving to {@code other} needs a new socket. */
    boolean sameSocket(ListenerSpec other) {
        return host.equals(other.host) && port == other.port && java.util.Objects.equals(keystore, other.keystore)
                && java.util.Objects.equals(keystorePassword, other.keystorePassword);
    }
}
