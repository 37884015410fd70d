package io.passerelle.core.internal.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/** Listener configuration (SPEC §4.1): defaults and validation naming the key. */
class ListenerSpecTest {

    private static final String FACTORY = "io.passerelle.listener";

    private static ListenerSpec listener(String... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", FACTORY + "~main");
        props.put("felix.fileinstall.filename", "file:/karaf/etc/io.passerelle.listener-main.cfg");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return ListenerSpec.from(Config.of(ListenerConfig.class, FACTORY, props));
    }

    private static void assertRejected(String key, String... keyValues) {
        ConfigException e = assertThrows(ConfigException.class, () -> listener(keyValues),
                () -> "expected " + List.of(keyValues) + " to be rejected");
        assertEquals(key, e.key(), () -> "the key named for " + List.of(keyValues) + " (" + e.getMessage() + ")");
    }

    @Test
    void defaultsOfSpec41() {
        ListenerSpec l = listener("port", "8080");
        assertEquals("main", l.name());
        assertEquals(8080, l.port());
        assertEquals("0.0.0.0", l.host());
        assertEquals(16384, l.limits().headerMaxBytes());
        assertEquals(100, l.limits().headerMaxCount());
        assertEquals(20_000, l.limits().headerTimeoutMillis());
        assertEquals(60_000, l.limits().keepaliveTimeoutMillis());
        assertEquals(100_000, l.maxConnections());
        assertNull(l.keystore());
        assertFalse(l.tls());
    }

    @Test
    void explicitValuesAreTaken() {
        ListenerSpec l = listener("port", "8443", "host", "127.0.0.1", "tls.keystore", "/karaf/etc/passerelle.p12",
                "tls.keystore.password", "changeit", "header.max.bytes", "8192", "header.max.count", "50",
                "header.timeout", "500ms", "keepalive.timeout", "5m", "max.connections", "10", "name", "secure");
        assertEquals("secure", l.name());
        assertEquals(8443, l.port());
        assertEquals("127.0.0.1", l.host());
        assertTrue(l.tls());
        assertEquals("/karaf/etc/passerelle.p12", l.keystore());
        assertEquals("changeit", l.keystorePassword());
        assertEquals(8192, l.limits().headerMaxBytes());
        assertEquals(50, l.limits().headerMaxCount());
        assertEquals(500, l.limits().headerTimeoutMillis());
        assertEquals(300_000, l.limits().keepaliveTimeoutMillis());
        assertEquals(10, l.maxConnections());
    }

    @Test
    void missingPortIsRejected() {
        assertRejected("port");
        assertRejected("port", "host", "127.0.0.1");
        assertRejected("port", "port", " ");
    }

    @Test
    void badPortIsRejected() {
        assertRejected("port", "port", "http");
        assertRejected("port", "port", "70000");
        assertRejected("port", "port", "-1");
        assertRejected("port", "port", "80.5");
    }

    @Test
    void badValuesAreNamedByKey() {
        assertRejected("host", "port", "8080", "host", "0.0.0.0/0");
        assertRejected("host", "port", "8080", "host", "my host");
        assertRejected("header.max.bytes", "port", "8080", "header.max.bytes", "lots");
        assertRejected("header.max.bytes", "port", "8080", "header.max.bytes", "0");
        assertRejected("header.max.count", "port", "8080", "header.max.count", "0");
        assertRejected("header.max.count", "port", "8080", "header.max.count", "many");
        assertRejected("header.timeout", "port", "8080", "header.timeout", "20 seconds");
        assertRejected("header.timeout", "port", "8080", "header.timeout", "0");
        assertRejected("keepalive.timeout", "port", "8080", "keepalive.timeout", "forever");
        assertRejected("max.connections", "port", "8080", "max.connections", "0");
        assertRejected("max.connections", "port", "8080", "max.connections", "unlimited");
    }

    @Test
    void thePasswordIsNeverPrinted() {
        String shown = listener("port", "8443", "tls.keystore", "/k.p12", "tls.keystore.password", "s3cret").toString();
        assertFalse(shown.contains("s3cret"), shown);
    }

    @Test
    void sameSocketOnlyWhenAddressPortAndTlsAreUnchanged() {
        ListenerSpec base = listener("port", "8080");
        assertTrue(base.sameSocket(listener("port", "8080", "header.max.count", "5", "keepalive.timeout", "1s")));
        assertFalse(base.sameSocket(listener("port", "8081")));
        assertFalse(base.sameSocket(listener("port", "8080", "host", "127.0.0.1")));
        assertFalse(base.sameSocket(listener("port", "8080", "tls.keystore", "/k.p12")));
    }
}
