package io.passerelle.core.internal.listener;

import java.util.Objects;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;
import io.passerelle.core.internal.front.FrontEnd;

/** A validated listener configuration (SPEC §4.1). Its password is never printed. */
record ListenerSpec(String name, String host, int port, String keystore, String keystorePassword,
        FrontEnd.Limits limits, int maxConnections) {

    static ListenerSpec from(Config c) {
        String host = c.string("host");
        if (host.contains(" ") || host.contains("/")) {
            throw new ConfigException("host", "'" + host + "' is not a host name or address");
        }
        if (!c.has("port")) {
            throw new ConfigException("port", "required");
        }
        int port = c.integer("port", 0, 65535);
        int maxBytes = c.integer("header.max.bytes", 256, 1 << 20);
        int maxCount = c.integer("header.max.count", 1, 10_000);
        long headerTimeout = c.duration("header.timeout");
        long keepalive = c.duration("keepalive.timeout");
        int maxConnections = c.integer("max.connections", 1, Integer.MAX_VALUE);
        if (headerTimeout <= 0) {
            throw new ConfigException("header.timeout", "must be positive");
        }
        return new ListenerSpec(c.name(), host, port, c.string("tls.keystore"), c.string("tls.keystore.password"),
                new FrontEnd.Limits(maxBytes, maxCount, headerTimeout, keepalive), maxConnections);
    }

    boolean tls() {
        return keystore != null;
    }

    /** Whether moving to {@code other} needs a new socket. */
    boolean sameSocket(ListenerSpec other) {
        return host.equals(other.host) && port == other.port && Objects.equals(keystore, other.keystore)
                && Objects.equals(keystorePassword, other.keystorePassword);
    }

    @Override
    public String toString() {
        return "ListenerSpec[name=" + name + ", host=" + host + ", port=" + port + ", keystore=" + keystore
                + ", keystorePassword=" + (keystorePassword == null ? null : "***") + ", limits=" + limits
                + ", maxConnections=" + maxConnections + "]";
    }
}
