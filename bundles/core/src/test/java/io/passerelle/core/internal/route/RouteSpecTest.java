package io.passerelle.core.internal.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.passerelle.api.HttpFields;
import io.passerelle.api.RouteOptions;
import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/** Validation, defaults, mapping and evaluation order of routes (SPEC §4.2). */
class RouteSpecTest {

    static final String FACTORY = "io.passerelle.route";

    /** A route configuration named {@code name}, from key/value pairs, as Config Admin would deliver it. */
    static RouteSpec route(String name, String... keyValues) {
        return RouteSpec.from(source(name, keyValues));
    }

    static Config source(String name, String... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", FACTORY + "~" + name);
        props.put("service.factoryPid", FACTORY);
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return Config.of(RouteConfig.class, FACTORY, props);
    }

    private static void assertRejected(String key, String... keyValues) {
        ConfigException e = assertThrows(ConfigException.class, () -> route("r", keyValues));
        assertEquals(key, e.key(), () -> "the key named for " + List.of(keyValues) + " (" + e.getMessage() + ")");
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), "a reason is given");
    }

    // --- validation

    @Test
    void pathAndMatchTogetherAreRejectedNamingOneOfThem() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> route("r", "path", "/a/", "match", "^/a", "url", "http://b/"));
        assertTrue(Set.of("path", "match").contains(e.key()), e.key());
    }

    @Test
    void neitherPathNorMatchIsRejectedNamingOneOfThem() {
        ConfigException e = assertThrows(ConfigException.class, () -> route("r", "url", "http://b/"));
        assertTrue(Set.of("path", "match").contains(e.key()), e.key());
        ConfigException blank = assertThrows(ConfigException.class, () -> route("r", "path", "  ", "url", "http://b/"));
        assertTrue(Set.of("path", "match").contains(blank.key()), blank.key());
    }

    @Test
    void pathMustStartWithSlash() {
        assertRejected("path", "path", "ws2/", "url", "ws://b/");
        assertRejected("path", "path", "*", "url", "ws://b/");
    }

    @Test
    void invalidRegexNamesMatch() {
        assertRejected("match", "match", "^/(unclosed", "url", "http://b/");
        assertRejected("match", "match", "*oops", "url", "http://b/");
        // compiled by the JDK, and a NullPointerException on every find(): refused with the configuration
        assertRejected("match", "match", "^/[Pw\uffff\uffff?ebso&&&q]", "url", "http://b/");
        assertRejected("match", "match", "[Pw\uffff\uffff?ebso&&&q]/x", "url", "http://b/");
    }

    @Test
    void groupReferenceBeyondTheRegexGroupsNamesUrl() {
        assertRejected("url", "match", "^/(a)/b$", "url", "http://b/$1/$2");
        assertRejected("url", "match", "^/a$", "url", "http://b/$1");
        route("ok", "match", "^/(a)/(b)$", "url", "http://b/$2/$1");
    }

    @Test
    void missingUrlIsRejected() {
        assertRejected("url", "path", "/a/");
        assertRejected("url", "path", "/a/", "url", "");
    }

    @Test
    void urlWithoutSchemeAndHostIsRejected() {
        for (String url : new String[] {"echo.websocket.org/", "/relative/path", "localhost:8080", "http://",
            "http:///path", "ws://host/with space", "http://b/#fragment", "$1"}) {
            assertRejected("url", "match", "^/(x)", "url", url);
        }
    }

    @Test
    void badDurationsNameTheirKey() {
        assertRejected("timeout", "path", "/a/", "url", "http://b/", "timeout", "10 sec");
        assertRejected("timeout", "path", "/a/", "url", "http://b/", "timeout", "-5s");
        assertRejected("connection.timeout", "path", "/a/", "url", "http://b/", "connection.timeout", "fast");
    }

    @Test
    void badBooleansNameTheirKey() {
        assertRejected("preserve.host", "path", "/a/", "url", "http://b/", "preserve.host", "yes");
        assertRejected("reverse", "path", "/a/", "url", "http://b/", "reverse", "1");
        assertRejected("add.headers", "path", "/a/", "url", "http://b/", "add.headers", "on");
        assertRejected("tls.verify", "path", "/a/", "url", "https://b/", "tls.verify", "nope");
    }

    @Test
    void badUpgradeNamesUpgrade() {
        assertRejected("upgrade", "path", "/a/", "url", "ws://b/", "upgrade", "web socket");
        assertRejected("upgrade", "path", "/a/", "url", "ws://b/", "upgrade", "websocket,h2c");
        assertRejected("upgrade", "path", "/a/", "url", "ws://b/", "upgrade", "a\"b");
    }

    @Test
    void badOrderNamesOrder() {
        assertRejected("order", "path", "/a/", "url", "http://b/", "order", "first");
        assertRejected("order", "path", "/a/", "url", "http://b/", "order", "1.5");
    }

    /** Whether a request asking for these protocols may be tunnelled on a route with these options. */
    private static boolean allows(RouteOptions o, String protocols) {
        return o.upgrade() != null
                && o.upgrade().forward(new HttpFields().add("Connection", "upgrade").add("Upgrade", protocols)) != null;
    }

    // --- defaults

    @Test
    void upgradeDefaultsToWebsocketForWsAndWss() {
        assertEquals("websocket", String.valueOf(route("r", "path", "/a/", "url", "ws://b/").options().upgrade()));
        assertEquals("websocket", String.valueOf(route("r", "path", "/a/", "url", "wss://b/").options().upgrade()));
        assertEquals("websocket", String.valueOf(route("r", "path", "/a/", "url", "WS://b/").options().upgrade()));
    }

    @Test
    void upgradeDefaultsToNoneForHttp() {
        RouteOptions http = route("r", "path", "/a/", "url", "http://b/").options();
        assertNull(http.upgrade());
        assertFalse(allows(http, "websocket"));
        assertNull(route("r", "path", "/a/", "url", "https://b/").options().upgrade());
    }

    @Test
    void upgradeKeywordsAreCaseInsensitiveAndNamesKept() {
        assertEquals("ANY", String.valueOf(route("r", "path", "/a/", "url", "ws://b/", "upgrade", "any").options().upgrade()));
        assertEquals("NONE", String.valueOf(route("r", "path", "/a/", "url", "ws://b/", "upgrade", "None").options().upgrade()));
        RouteOptions h2c = route("r", "path", "/a/", "url", "http://b/", "upgrade", "h2c").options();
        assertEquals("h2c", String.valueOf(h2c.upgrade()));
        assertTrue(allows(h2c, "H2C"));
        assertFalse(allows(h2c, "websocket"));
    }

    @Test
    void reverseDefaultsToTrueForPathRoutesAndFalseForMatchRoutes() {
        assertTrue(route("r", "path", "/a/", "url", "http://b/").options().reverse());
        assertFalse(route("r", "match", "^/a", "url", "http://b/").options().reverse());
        assertFalse(route("r", "path", "/a/", "url", "http://b/", "reverse", "false").options().reverse());
        assertTrue(route("r", "match", "^/a", "url", "http://b/", "reverse", "TRUE").options().reverse());
    }

    @Test
    void otherDefaults() {
        RouteSpec r = route("ws2", "path", "/ws2/", "url", "ws://echo.websocket.org/");
        RouteOptions o = r.options();
        assertEquals(60_000, o.timeoutMillis());
        assertEquals(5_000, o.connectTimeoutMillis());
        assertEquals(100, r.order());
        assertFalse(o.preserveHost());
        assertTrue(o.addHeaders());
        assertTrue(o.tls().verify());
        assertNull(o.tls().truststore());
        assertEquals(Set.of(), r.listeners());
        assertEquals("ws2", r.name());
        assertEquals("ws", r.scheme());
        assertFalse(r.excluded());
    }

    @Test
    void allowAndEncodedSlashesOfSpec42() throws Exception {
        RouteSpec plain = route("r", "path", "/a/", "url", "http://b/");
        assertTrue(plain.allow().allows(java.net.InetAddress.getByName("203.0.113.9")), "everyone by default");
        assertFalse(plain.keepEncodedSlashes(), "reject by default");
        RouteSpec status = route("s", "path", "/server-status/", "url", "status:");
        assertFalse(status.allow().allows(java.net.InetAddress.getByName("203.0.113.9")), "status: loopback only");
        assertTrue(status.allow().allows(java.net.InetAddress.getByName("127.0.0.1")));
        RouteSpec opened = route("s", "path", "/server-status/", "url", "status:", "allow", "203.0.113.0/24");
        assertTrue(opened.allow().allows(java.net.InetAddress.getByName("203.0.113.9")));
        assertTrue(route("k", "path", "/a/", "url", "http://b/", "encoded.slashes", "keep").keepEncodedSlashes());
        assertRejected("encoded.slashes", "path", "/a/", "url", "http://b/", "encoded.slashes", "decode");
        assertRejected("allow", "path", "/a/", "url", "http://b/", "allow", "intranet");
    }

    @Test
    void aUrlHoldingAnEncodedCrLfOrNulIsRejected() {
        assertRejected("url", "path", "/a/", "url", "http://b/x%0d%0aHost:%20evil/");
        assertRejected("url", "match", "^/(.*)", "url", "http://b/$1%00");
    }

    @Test
    void theTrustStorePasswordIsNeverPrinted() {
        RouteSpec r = route("r", "path", "/a/", "url", "https://b/", "tls.truststore", "/t.p12",
                "tls.truststore.password", "s3cret");
        assertEquals("s3cret", r.options().tls().truststorePassword());
        assertFalse(r.toString().contains("s3cret"), r.toString());
        assertFalse(r.options().properties().containsValue("s3cret"), "handler-specific keys leave passwords out");
    }

    @Test
    void explicitValuesAreTaken() {
        RouteSpec r = route("r", "path", "/a/", "url", "https://b:8443/x/", "order", "-5", "timeout", "500ms",
                "connection.timeout", "2s", "preserve.host", "true", "add.headers", "false", "listener", "main, admin,",
                "tls.verify", "false", "name", "nice-name", "x.custom", "kept");
        RouteOptions o = r.options();
        assertEquals(-5, r.order());
        assertEquals(500, o.timeoutMillis());
        assertEquals(2_000, o.connectTimeoutMillis());
        assertTrue(o.preserveHost());
        assertFalse(o.addHeaders());
        assertFalse(o.tls().verify());
        assertEquals(Set.of("main", "admin"), r.listeners());
        assertEquals("nice-name", r.name());
        assertEquals("https", r.scheme());
        assertEquals("kept", o.properties().get("x.custom"));
    }

    @Test
    void exclamationMarkUrlExcludesThePath() {
        RouteSpec r = route("r", "path", "/ws2/private/", "url", "!");
        assertTrue(r.excluded());
        assertNull(r.url());
        assertEquals("", r.map("/ws2/private/x"), "a match (non-null) that proxies nowhere");
        assertNull(r.map("/ws2/public"));
        RouteSpec m = route("m", "match", "\\.secret$", "url", "!");
        assertTrue(m.excluded());
        assertEquals("", m.map("/a/b.secret"));
    }

    // --- mapping

    @Test
    void pathPrefixWithSlashMapsTheRestOntoTheUrl() {
        RouteSpec r = route("ws2", "path", "/ws2/", "url", "ws://echo.websocket.org/");
        assertEquals("ws://echo.websocket.org/x", r.map("/ws2/x"));
        assertEquals("ws://echo.websocket.org/x/y/", r.map("/ws2/x/y/"));
        assertEquals("ws://echo.websocket.org/", r.map("/ws2/"));
        RouteSpec deeper = route("d", "path", "/ws2/", "url", "ws://b:9000/base/");
        assertEquals("ws://b:9000/base/x", deeper.map("/ws2/x"));
    }

    @Test
    void pathWithoutTrailingSlashDoesNotMatchRouteWithTrailingSlash() {
        RouteSpec r = route("ws2", "path", "/ws2/", "url", "ws://echo.websocket.org/");
        assertNull(r.map("/ws2"));
        assertNull(r.map("/ws22/x"));
        assertNull(r.map("/other/ws2/x"));
    }

    @Test
    void prefixWithoutSlashMatchesWholeSegmentsOnly() {
        RouteSpec r = route("app", "path", "/app", "url", "http://b:8080/app");
        assertEquals("http://b:8080/app", r.map("/app"));
        assertEquals("http://b:8080/app/x", r.map("/app/x"));
        assertEquals("http://b:8080/app/", r.map("/app/"));
        assertNull(r.map("/apple"));
        assertNull(r.map("/ap"));
    }

    @Test
    void rootPrefixMatchesEverything() {
        RouteSpec r = route("root", "path", "/", "url", "http://b/");
        assertEquals("http://b/", r.map("/"));
        assertEquals("http://b/a/b", r.map("/a/b"));
    }

    @Test
    void matchSubstitutesGroupsIntoTheUrl() {
        RouteSpec r = route("myapp-ws", "match", "^/(myApp/ws)$", "url", "ws://h:9080/$1");
        assertEquals("ws://h:9080/myApp/ws", r.map("/myApp/ws"));
        assertNull(r.map("/myApp/ws/x"));
        assertNull(r.map("/other"));
        RouteSpec two = route("two", "match", "^/(\\w+)/(\\d+)$", "url", "http://h/$2/$1?x=$2");
        assertEquals("http://h/42/item?x=42", two.map("/item/42"));
    }

    @Test
    void matchIsASearchLikeProxyPassMatch() {
        RouteSpec r = route("img", "match", "\\.(gif|png)$", "url", "http://img/$1");
        assertEquals("http://img/png", r.map("/a/b.png"));
        assertNull(r.map("/a/b.png/x"));
    }

    @Test
    void unmatchedOptionalGroupIsEmpty() {
        RouteSpec r = route("opt", "match", "^/a(/x)?$", "url", "http://h/b$1");
        assertEquals("http://h/b", r.map("/a"));
        assertEquals("http://h/b/x", r.map("/a/x"));
    }

    // --- ordering

    @Test
    void routesAreOrderedByAscendingOrderFirst() {
        RouteSpec late = route("late", "match", "^/", "url", "http://b/", "order", "200");
        RouteSpec early = route("early", "path", "/", "url", "http://b/", "order", "50");
        RouteSpec negative = route("negative", "path", "/x/", "url", "http://b/", "order", "-1");
        assertEquals(List.of(negative, early, late), sorted(late, early, negative));
    }

    @Test
    void amongEqualOrdersMatchRoutesComeBeforePathRoutesLongestPrefixFirst() {
        RouteSpec root = route("root", "path", "/", "url", "http://b/");
        RouteSpec ws2 = route("ws2", "path", "/ws2/", "url", "ws://b/");
        RouteSpec ws2deep = route("ws2deep", "path", "/ws2/deep/", "url", "ws://c/");
        RouteSpec match = route("m", "match", "^/z", "url", "http://b/");
        assertEquals(List.of(match, ws2deep, ws2, root), sorted(root, ws2, ws2deep, match));
        assertEquals(List.of(match, ws2deep, ws2, root), sorted(ws2, match, root, ws2deep));
    }

    @Test
    void compareIsAConsistentTotalOrder() {
        RouteSpec a = route("a", "path", "/same/", "url", "http://b/");
        RouteSpec b = route("b", "path", "/same/", "url", "http://c/");
        assertEquals(0, RouteSpec.compare(a, a));
        assertEquals(-Integer.signum(RouteSpec.compare(b, a)), Integer.signum(RouteSpec.compare(a, b)));
        assertTrue(RouteSpec.compare(a, b) != 0, "distinct routes of equal rank still get a stable order");
    }

    private static List<RouteSpec> sorted(RouteSpec... specs) {
        List<RouteSpec> list = new ArrayList<>(List.of(specs));
        list.sort(RouteSpec::compare);
        return list;
    }
}
