package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.passerelle.api.HookResult;

/**
 * SPEC §4.2 {@code allow} and {@code encoded.slashes}, and §8's CR/LF/NUL rule, through the real core and this
 * module: what is refused answers its status and nothing reaches the backend; what is kept reaches it as it came.
 */
class PathAndAccessRulesTest {

    private ProxyHarness proxy;
    private TestBackend backend;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness();
        backend = new TestBackend(r -> TestBackend.ok("backend saw " + r.requestLine().split(" ")[1]));
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        backend.close();
    }

    private RawClient.Response get(String target) throws Exception {
        try (RawClient c = new RawClient(proxy.port)) {
            return c.send("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
        }
    }

    private List<String> targetsReceived() {
        return backend.received.stream().map(r -> r.requestLine().split(" ")[1]).toList();
    }

    @Test
    void anEncodedSlashIs404AndNeverReachesTheBackend() throws Exception {
        proxy.route("ws2", "path", "/ws2/", "url", backend.url());
        for (String target : new String[] {"/ws2/..%2fadmin", "/ws2/..%2Fadmin", "/ws2/a%2Fb", "/ws2/..%5cadmin",
                "/ws2/%5C"}) {
            assertEquals(404, get(target).status(), target);
        }
        assertEquals(200, get("/ws2/fine").status());
        assertEquals(List.of("/fine"), targetsReceived(), "only the request without an encoded slash got through");
    }

    @Test
    void encodedSlashesKeepForwardsThemAsTheyCameNeverAsSeparators() throws Exception {
        proxy.route("ws2", "path", "/ws2/", "url", backend.url(), "encoded.slashes", "keep");
        assertEquals("backend saw /..%2fadmin", get("/ws2/..%2fadmin").text());
        assertEquals("backend saw /a%2Fb/..%5Cc", get("/ws2/a%2Fb/..%5Cc").text());
        assertEquals(List.of("/..%2fadmin", "/a%2Fb/..%5Cc"), targetsReceived());
    }

    @Test
    void aClientOutsideAllowGets403AndNothingReachesTheBackend() throws Exception {
        proxy.route("private", "path", "/private/", "url", backend.url(), "allow", "10.0.0.0/8, 2001:db8::/32");
        proxy.route("local", "path", "/local/", "url", backend.url(), "allow", "127.0.0.0/8");
        assertEquals(403, get("/private/x").status());
        assertEquals(200, get("/local/x").status());
        assertEquals(List.of("/x"), targetsReceived());
    }

    @Test
    void crLfOrNulFromAHookNeverReachesABackend() throws Exception {
        proxy.route("t", "path", "/t/", "url", backend.url());
        proxy.dispatcher.bindRequestHook((req, client) -> switch (req.path()) {
            case "/raw" -> new HookResult.Proceed("/t/a\r\nInjected: yes", null, false);
            case "/encoded" -> new HookResult.Proceed("/t/a%0d%0aInjected:%20yes", null, false);
            case "/query" -> new HookResult.Proceed("/t/q", "a=1\r\nInjected: yes", false);
            case "/proxy" -> new HookResult.Proxy(URI.create(backend.url() + "a%0D%0AInjected:%20yes"));
            case "/nul" -> new HookResult.Proxy(URI.create(backend.url() + "a%00b"));
            default -> HookResult.proceed();
        }, Map.of());
        for (String target : new String[] {"/raw", "/encoded", "/query", "/proxy", "/nul"}) {
            assertEquals(400, get(target).status(), target);
        }
        assertEquals(400, get("/t/a%0d%0aInjected:%20yes").status(), "from the client too");
        assertEquals(200, get("/t/q?text=line1%0D%0Aline2").status(), "an encoded CR LF in a query is form data");
        assertEquals(List.of("/q?text=line1%0D%0Aline2"), targetsReceived());
        assertTrue(backend.rawHeads.stream().noneMatch(h -> h.contains("Injected")), backend.rawHeads.toString());
    }
}
