package io.passerelle.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

class DemoSettingsTest {

    private static DemoSettings settings(Map<String, Object> props) {
        return DemoSettings.from(Config.of(DemoConfig.class, DemoBackendsComponent.PID, props));
    }

    @Test
    void invalidValuesAreRejectedNamingTheKey() {
        assertEquals("http.port", assertThrows(ConfigException.class,
                () -> settings(Map.of("http.port", "70000"))).key());
        assertEquals("ws.port", assertThrows(ConfigException.class,
                () -> settings(Map.of("http.port", "9080", "ws.port", "9080"))).key());
        assertEquals("host", assertThrows(ConfigException.class, () -> new DemoSettings(" ", 9080, 9081)).key());
    }

    @Test
    void defaultsComeFromTheConfigurationType() {
        assertEquals(new DemoSettings("127.0.0.1", 9080, 9081), settings(Map.of()));
    }

    @Test
    void ephemeralPortsAreAllowedTwice() {
        assertEquals(0, new DemoSettings("127.0.0.1", 0, 0).wsPort());
    }
}
