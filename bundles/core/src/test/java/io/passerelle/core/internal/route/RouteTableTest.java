package io.passerelle.core.internal.route;

import static io.passerelle.core.internal.route.RouteSpecTest.route;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The route table: evaluation order, generations on edit, removal. */
class RouteTableTest {

    private final RouteTable table = new RouteTable();

    private List<String> names() {
        return Arrays.stream(table.routes()).map(Route::name).toList();
    }

    /** The first route of the table that maps the path, as the dispatcher looks it up. */
    private Route first(String path) {
        for (Route r : table.routes()) {
            if (r.spec().map(path) != null) {
                return r;
            }
        }
        return null;
    }

    @Test
    void emptyTableHasNoRoutes() {
        assertEquals(0, table.routes().length);
        assertEquals(0, table.routes().length);
    }

    @Test
    void routesComeOutInEvaluationOrder() {
        table.put("pid-root", route("root", "path", "/", "url", "http://root/"));
        table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://echo/"));
        table.put("pid-match", route("m", "match", "^/ws2/special$", "url", "ws://special/"));
        table.put("pid-first", route("first", "path", "/", "url", "http://first/", "order", "10"));
        assertEquals(List.of("first", "m", "ws2", "root"), names());
    }

    @Test
    void longerPrefixWinsWhateverTheInsertionOrder() {
        table.put("pid-root", route("root", "path", "/", "url", "http://root/"));
        table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://echo/"));
        assertEquals("ws2", first("/ws2/x").name());
        assertEquals("root", first("/ws2").name());
        assertEquals("root", first("/admin").name());
    }

    @Test
    void excludedLongerPrefixShadowsTheShorterRoute() {
        table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://echo/"));
        table.put("pid-private", route("private", "path", "/ws2/private/", "url", "!"));
        Route r = first("/ws2/private/x");
        assertEquals("private", r.name());
        assertTrue(r.spec().excluded());
        assertNull(r.url());
    }

    @Test
    void putOfAnEditedRouteGivesAHigherGenerationAndReplacesTheOld() {
        Route v1 = table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://old/"));
        table.put("pid-other", route("other", "path", "/other/", "url", "http://other/"));
        Route v2 = table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://new/"));
        assertTrue(v2.generation() > v1.generation(), v1.generation() + " then " + v2.generation());
        assertEquals(2, table.routes().length);
        assertSame(v2, first("/ws2/x"));
        assertEquals("ws://new/x", first("/ws2/x").spec().map("/ws2/x"));
        assertTrue(java.util.Arrays.stream(table.routes()).noneMatch(r -> r == v1), "the old generation is gone");
    }

    @Test
    void editThatMovesTheRouteReordersTheTable() {
        table.put("pid-a", route("a", "path", "/a/", "url", "http://a/"));
        table.put("pid-b", route("b", "path", "/bb/", "url", "http://b/"));
        assertEquals(List.of("b", "a"), names());
        table.put("pid-a", route("a", "path", "/a/", "url", "http://a/", "order", "1"));
        assertEquals(List.of("a", "b"), names());
    }

    @Test
    void aSnapshotTakenBeforeAChangeStaysAsItWas() {
        table.put("pid-a", route("a", "path", "/a/", "url", "http://a/"));
        Route[] before = table.routes();
        table.put("pid-b", route("b", "path", "/b/", "url", "http://b/"));
        table.remove("pid-a");
        assertEquals(1, before.length);
        assertEquals("a", before[0].name());
        assertEquals(List.of("b"), names());
    }

    @Test
    void statsSurviveAnEdit() {
        Route v1 = table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://old/"));
        v1.stats().countRequest();
        v1.stats().countRequest();
        Route v2 = table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://new/"));
        v2.stats().countRequest();
        assertEquals(3, v2.stats().requests());
    }

    @Test
    void removeTakesTheRouteAway() {
        table.put("pid-root", route("root", "path", "/", "url", "http://root/"));
        table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://echo/"));
        table.remove("pid-ws2");
        assertEquals(List.of("root"), names());
        assertEquals("root", first("/ws2/x").name());
        table.remove("pid-unknown");
        assertEquals(List.of("root"), names());
        table.remove("pid-root");
        assertEquals(0, table.routes().length);
        assertNull(first("/"));
    }

    @Test
    void removedThenReaddedRouteGetsAHigherGeneration() {
        Route v1 = table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://echo/"));
        table.remove("pid-ws2");
        Route v2 = table.put("pid-ws2", route("ws2", "path", "/ws2/", "url", "ws://echo/"));
        assertTrue(v2.generation() > v1.generation());
    }
}
