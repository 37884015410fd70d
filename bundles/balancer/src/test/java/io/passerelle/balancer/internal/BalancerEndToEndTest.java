package io.passerelle.balancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.passerelle.api.SchemeHandler;
import io.passerelle.api.spi.LbMethod;
import io.passerelle.balancer.internal.lbmethod.ByBusyness;
import io.passerelle.balancer.internal.lbmethod.ByRequests;
import io.passerelle.common.config.Config;
import io.passerelle.http.internal.Polling;
import io.passerelle.http.internal.ProxyHarness;
import io.passerelle.http.internal.RawClient;

/**
 * The balancer module wired by hand to the real core and http module (as DS would wire them), with real HTTP
 * backends on loopback ports: election by load factor, failover, hot standby, stickiness, failonstatus, a
 * missing lbmethod, health checks.
 */
class BalancerEndToEndTest {

    private ProxyHarness proxy;
    private BalancerRegistry registry;
    private BalancerHandler handler;
    private final List<NamedBackend> backends = new ArrayList<>();
    private final List<BalancerComponent> components = new ArrayList<>();
    private final List<Socket> held = new ArrayList<>();

    @BeforeEach
    void setUp() {
        proxy = new ProxyHarness();
        registry = new BalancerRegistry(null, proxy.probe);
        handler = new BalancerHandler(registry);
        handler.bindSchemeHandler(proxy.http, Map.of(SchemeHandler.SCHEME, new String[] {"http", "https"}));
        method(new ByRequests(), "byrequests");
        proxy.bind(handler, "balancer");
        proxy.route("b", "path", "/app/", "url", "balancer://cluster/");
    }

    @AfterEach
    void tearDown() throws Exception {
        components.forEach(BalancerComponent::deactivate);
        registry.deactivate();
        proxy.close();
        backends.forEach(NamedBackend::close);
        for (Socket s : held) {
            s.close();
        }
    }

    private void method(LbMethod m, String name) {
        registry.bindLbMethod(m, Map.of(LbMethod.NAME, name));
    }

    private NamedBackend backend(String name) throws IOException {
        NamedBackend b = new NamedBackend(name);
        backends.add(b);
        return b;
    }

    private void balancer(String... kv) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "io.passerelle.balancer~cluster");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        components.add(new BalancerComponent(registry, Config.defaults(BalancerConfig.class), p));
    }

    private RawClient.Response get(String target, String... headers) throws IOException {
        StringBuilder req = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        try (RawClient c = new RawClient(proxy.port)) {
            return c.send(req.append("\r\n").toString()).read();
        }
    }

    /** Who answered n GETs, in order (first letter of each answer). */
    private String sequence(int n) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            RawClient.Response r = get("/app/x");
            assertEquals(200, r.status(), r.text());
            s.append(r.text().charAt(0));
        }
        return s.toString();
    }

    private void release(int port) throws IOException {
        for (Socket s : held) {
            if (s.getLocalPort() == port) {
                s.close();
            }
        }
    }

    /**
     * A port that refuses connections for the whole test: bound by a socket that never listens (so the kernel
     * answers a connection with a reset, and nobody else can bind it meanwhile), closed after the test.
     */
    private int deadPort() throws IOException {
        Socket holder = new Socket();
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        held.add(holder);
        return holder.getLocalPort();
    }

    @Test
    void requestsFollowTheLoadFactorsInHttpdsByrequestsOrderAndKeepThePathAfterTheBalancer() throws IOException {
        NamedBackend a = backend("a");
        NamedBackend b = backend("b");
        NamedBackend c = backend("c");
        balancer("members", a.url() + ", " + b.url() + " loadfactor=2, " + c.url());
        assertEquals("bacb".repeat(10), sequence(40));
        assertEquals(List.of(10, 20, 10), List.of(a.served.get(), b.served.get(), c.served.get()));
        assertEquals("b /x?q=1", get("/app/x?q=1").text());
    }

    @Test
    void aDeadMemberIsSkippedWithNoFailedRequestAndShowsInError() throws Exception {
        NamedBackend a = backend("a");
        NamedBackend c = backend("c");
        int dead = deadPort();
        balancer("members", a.url() + ", http://127.0.0.1:" + dead + ", " + c.url());
        String seq = sequence(30);
        assertEquals(30, seq.length());
        assertTrue(seq.chars().allMatch(ch -> ch == 'a' || ch == 'c'), seq);
        Member deadMember = registry.byName("cluster").members().get(1);
        assertEquals("Err", deadMember.state(System.nanoTime()));
        await(() -> registry.byName("cluster").members().stream().allMatch(m -> m.busy() == 0));
    }

    @Test
    void withEveryMemberDeadTheClientGetsTheLastFailureAfterMaxattemptsFailovers() throws Exception {
        balancer("members", "http://127.0.0.1:" + deadPort() + ", http://127.0.0.1:" + deadPort(), "maxattempts", "1");
        // a refused connection is 503 (as httpd answers it), after both members were tried
        assertEquals(503, get("/app/x").status());
        // the exchange completes (and releases its member) just after its answer is written
        await(() -> registry.byName("cluster").members().stream().allMatch(m -> m.busy() == 0));
        registry.byName("cluster").members().forEach(m -> {
            assertEquals(1, m.elected());
            assertEquals("Err", m.state(System.nanoTime()));
        });
    }

    @Test
    void theHotStandbyServesOnlyWhenNoOtherMemberIsUsable() throws IOException {
        NamedBackend a = backend("a");
        NamedBackend h = backend("h");
        balancer("members", a.url() + ", " + h.url() + " status=+H");
        assertEquals("aaaaaaaaaa", sequence(10));
        a.close();
        assertEquals("hhhhhhhhhh", sequence(10));
        assertEquals(10, h.served.get());
    }

    @Test
    void aStickyCookieOrUrlParameterPinsTheRequestToItsRoute() throws IOException {
        NamedBackend a = backend("a");
        NamedBackend b = backend("b");
        balancer("members", a.url() + " route=ra, " + b.url() + " route=rb", "stickysession", "ROUTEID|routeid");
        for (int i = 0; i < 5; i++) {
            assertEquals('b', get("/app/x", "Cookie", "ROUTEID=s1.rb").text().charAt(0));
            assertEquals('a', get("/app/x;routeid=s2.ra").text().charAt(0));
            assertEquals('b', get("/app/x?routeid=s3.rb").text().charAt(0));
        }
    }

    @Test
    void aDrainingMemberKeepsItsStickySessionsButGetsNoNewOnes() throws IOException {
        NamedBackend a = backend("a");
        NamedBackend b = backend("b");
        balancer("members", a.url() + " route=ra, " + b.url() + " route=rb status=+N", "stickysession", "ROUTEID");
        assertEquals("aaaaaa", sequence(6));
        assertEquals('b', get("/app/x", "Cookie", "ROUTEID=s.rb").text().charAt(0));
    }

    @Test
    void nofailoverAnswers503WhenTheStickyMemberIsDownAndFailsOverWithoutIt() throws IOException {
        NamedBackend a = backend("a");
        NamedBackend b = backend("b");
        balancer("members", a.url() + " route=ra, " + b.url() + " route=rb status=+D", "stickysession", "ROUTEID",
                "nofailover", "On");
        assertEquals(503, get("/app/x", "Cookie", "ROUTEID=s.rb").status());
        balancer("members", a.url() + " route=ra, " + b.url() + " route=rb status=+D", "stickysession", "ROUTEID");
        assertEquals('a', get("/app/x", "Cookie", "ROUTEID=s.rb").text().charAt(0));
    }

    @Test
    void failonstatusPutsTheMemberInErrorAfterRelayingItsAnswer() throws IOException {
        NamedBackend a = backend("a");
        NamedBackend b = backend("b");
        b.status = 503;
        balancer("members", a.url() + ", " + b.url(), "failonstatus", "503");
        assertEquals(200, get("/app/x").status());  // a
        assertEquals(503, get("/app/x").status());  // b, relayed, now in error
        assertEquals("aaaaa", sequence(5));
        assertEquals("Err", registry.byName("cluster").members().get(1).state(System.nanoTime()));
    }

    @Test
    void aMemberOutOfErrorAfterItsRetryIsTriedAgain() throws Exception {
        NamedBackend a = backend("a");
        int port = deadPort();
        balancer("members", a.url() + ", http://127.0.0.1:" + port + " retry=300ms");
        sequence(4);
        release(port); // the member comes back on the very port that refused
        NamedBackend late = new NamedBackend("l", port);
        backends.add(late);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (late.served.get() == 0 && System.nanoTime() < deadline) {
            sequence(2);
        }
        assertTrue(late.served.get() > 0, "the recovered member serves again after retry");
    }

    @Test
    void aMissingLbmethodAnswers503UntilItIsRegistered() throws IOException {
        NamedBackend a = backend("a");
        balancer("members", a.url(), "lbmethod", "bybusyness");
        assertEquals(503, get("/app/x").status());
        method(new ByBusyness(), "bybusyness");
        assertEquals(200, get("/app/x").status());
    }

    @Test
    void anInvalidConfigurationKeepsTheLastGoodOneServing() throws IOException {
        NamedBackend a = backend("a");
        balancer("members", a.url());
        Map<String, Object> bad = new HashMap<>(Map.of("service.pid", "io.passerelle.balancer~cluster",
                "members", a.url() + " loadfactor=500"));
        components.get(0).modified(Config.defaults(BalancerConfig.class), bad);
        assertEquals(200, get("/app/x").status());
        assertEquals(1, registry.byName("cluster").members().get(0).loadFactor());
    }

    @Test
    void aHealthCheckTakesAFailingMemberOutAndBringsItBack() throws Exception {
        NamedBackend a = backend("a");
        NamedBackend b = backend("b");
        b.healthStatus = 500;
        balancer("members", a.url() + ", " + b.url(), "hc.method", "GET", "hc.uri", "/health", "hc.interval", "100ms");
        Member mb = registry.byName("cluster").members().get(1);
        await(() -> mb.healthDown());
        assertEquals("aaaaaa", sequence(6));
        b.healthStatus = 200;
        await(() -> !mb.healthDown());
        assertTrue(sequence(6).contains("b"));
    }

    @Test
    void anUnknownBalancerAnswers503() throws IOException {
        proxy.route("nob", "path", "/nob/", "url", "balancer://nowhere/");
        assertEquals(503, get("/nob/x").status());
    }

    private static void await(java.util.function.BooleanSupplier condition) {
        Polling.await("the condition", java.time.Duration.ofSeconds(10), condition);
    }
}
