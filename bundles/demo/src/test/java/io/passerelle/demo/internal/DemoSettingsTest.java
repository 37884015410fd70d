package io.passerelle.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DemoSettingsTest {

    @Test
    void invalidValuesAreRejectedNamingTheKey() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DemoSettings("127.0.0.1", 70000, 9081))
                .getMessage().startsWith("http.port:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DemoSettings("127.0.0.1", 9080, 9080))
                .getMessage().startsWith("ws.port:"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DemoSettings(" ", 9080, 9081))
                .getMessage().startsWith("host:"));
    }

    @Test
    void ephemeralPortsAreAllowedTwice() {
        assertEquals(0, new DemoSettings("127.0.0.1", 0, 0).wsPort());
    }
}
