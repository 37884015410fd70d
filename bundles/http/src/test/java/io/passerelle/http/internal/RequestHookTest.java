package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.passerelle.api.HookResult;
import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHook;
import io.passerelle.api.ResponseHead;

/** The translate phase (SPEC §3 step 3) as the rewrite module will use it: new path, direct answer, [P]. */
class RequestHookTest {

    private ProxyHarness proxy;
    private TestBackend backend;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness();
        backend = new TestBackend(r -> TestBackend.ok("backend saw " + r.requestLine().split(" ")[1]));
        proxy.route("t", "path", "/t/", "url", backend.url());
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        backend.close();
    }

    private String get(String path) throws Exception {
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
            return r.status() + " " + (r.header("Location") != null ? r.header("Location") : r.text());
        }
    }

    @Test
    void aHookRewritesThePathBeforeTheRoutesSeeIt() throws Exception {
        RequestHook hook = (req, client) -> req.path().startsWith("/old/")
                ? new HookResult.Proceed("/t/" + req.path().substring(5), req.query(), false) : HookResult.proceed();
        proxy.dispatcher.bindRequestHook(hook, Map.of());
        assertEquals("200 backend saw /x?y=1", get("/old/x?y=1"));
        proxy.dispatcher.unbindRequestHook(hook);
        assertEquals("404 404 Not Found\n", get("/old/x?y=1"));
    }

    @Test
    void aHookAnswersDirectlyWithNothingSentToABackend() throws Exception {
        proxy.dispatcher.bindRequestHook((req, client) -> new HookResult.Respond(
                new ResponseHead(302, "", new HttpFields().add("Location", "http://elsewhere/"))), Map.of());
        assertEquals("302 http://elsewhere/", get("/t/x"));
        assertEquals(0, backend.connections.get());
    }

    @Test
    void aHookProxiesToTheSchemeHandlerOfItsUrl() throws Exception {
        proxy.dispatcher.bindRequestHook((req, client) -> req.path().equals("/p")
                ? new HookResult.Proxy(URI.create(backend.url() + "via-hook")) : HookResult.proceed(), Map.of());
        assertEquals("200 backend saw /via-hook", get("/p"));
    }

    @Test
    void hooksRunInTheirOrder() throws Exception {
        // bound in the reverse of their order: each sees what the one before it made of the path
        proxy.dispatcher.bindRequestHook((req, client) -> new HookResult.Proceed(req.path() + "-then-second", null, false),
                Map.of(RequestHook.ORDER, 20));
        proxy.dispatcher.bindRequestHook((req, client) -> new HookResult.Proceed("/t/first", null, false),
                Map.of(RequestHook.ORDER, 10));
        assertEquals("200 backend saw /first-then-second", get("/anything"));
    }

    @Test
    void aLastHookEndsTheChain() throws Exception {
        proxy.dispatcher.bindRequestHook((req, client) -> new HookResult.Proceed("/t/never", null, false),
                Map.of(RequestHook.ORDER, 20));
        proxy.dispatcher.bindRequestHook((req, client) -> new HookResult.Proceed("/t/first", null, true),
                Map.of(RequestHook.ORDER, 10));
        assertEquals("200 backend saw /first", get("/anything"));
    }
}
