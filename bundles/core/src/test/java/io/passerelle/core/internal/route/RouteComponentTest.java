package io.passerelle.core.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.passerelle.common.config.Config;

/** SPEC §8: an update without an effective change keeps the route's generation; a change makes a new one. */
class RouteComponentTest {

    private static final RouteConfig DEFAULTS = Config.defaults(RouteConfig.class);

    private static Map<String, Object> props(String... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", "io.passerelle.route~ws2");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    @Test
    void aTouchedReorderedOrDefaultWrittenConfigurationKeepsTheGeneration() {
        RouteTable table = new RouteTable();
        RouteComponent component = new RouteComponent(table, DEFAULTS, props("path", "/ws2/", "url", "ws://127.0.0.1:9/"));
        Route first = table.routes()[0];

        component.modified(DEFAULTS, props("url", "ws://127.0.0.1:9/", "path", "/ws2/",
                "felix.fileinstall.filename", "file:/x/etc/io.passerelle.route-ws2.cfg"));
        component.modified(DEFAULTS, props("path", "/ws2/", "url", "ws://127.0.0.1:9/", "order", "100",
                "encoded.slashes", "reject"));

        assertSame(first, table.routes()[0], "the same route object: nothing was rebuilt");
        assertEquals(first.generation(), table.routes()[0].generation());
    }

    @Test
    void anEffectiveChangeMakesANewGenerationAndGoingBackIsAChangeToo() {
        RouteTable table = new RouteTable();
        RouteComponent component = new RouteComponent(table, DEFAULTS, props("path", "/ws2/", "url", "ws://127.0.0.1:9/"));
        long first = table.routes()[0].generation();

        component.modified(DEFAULTS, props("path", "/ws2/", "url", "ws://127.0.0.1:10/"));
        long second = table.routes()[0].generation();
        component.modified(DEFAULTS, props("path", "/ws2/", "url", "ws://127.0.0.1:9/"));

        assertTrue(second > first);
        assertTrue(table.routes()[0].generation() > second);
        assertEquals("ws://127.0.0.1:9/", table.routes()[0].spec().url());
    }

    @Test
    void anInvalidUpdateKeepsTheLastGoodRouteAndItsGoodTwinIsStillANoOp() {
        RouteTable table = new RouteTable();
        RouteComponent component = new RouteComponent(table, DEFAULTS, props("path", "/ws2/", "url", "ws://127.0.0.1:9/"));
        Route first = table.routes()[0];

        component.modified(DEFAULTS, props("path", "/ws2/", "url", "ws://127.0.0.1:9/", "order", "first"));
        assertSame(first, table.routes()[0], "the last good route keeps serving");
        component.modified(DEFAULTS, props("path", "/ws2/", "url", "ws://127.0.0.1:9/"));
        assertSame(first, table.routes()[0], "the file put back as it was: still the same generation");
    }
}
