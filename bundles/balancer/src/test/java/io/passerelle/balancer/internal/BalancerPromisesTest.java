package io.passerelle.balancer.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import io.passerelle.api.SchemeHandler;
import io.passerelle.api.spi.LbMethod;
import io.passerelle.balancer.api.BalancerControl.MemberView;
import io.passerelle.balancer.command.BalancerMemberCommand;
import io.passerelle.balancer.internal.jmx.BalancersMBean;
import io.passerelle.balancer.internal.jmx.BalancersMXBean;
import io.passerelle.balancer.internal.lbmethod.ByRequests;
import io.passerelle.common.config.Config;
import io.passerelle.http.internal.Polling;
import io.passerelle.http.internal.ProxyHarness;
import io.passerelle.http.internal.RawClient;

/**
 * The README's balancer promises, each against the real core, http module and balancer wired by hand (as in
 * {@link BalancerEndToEndTest}) with real backends on loopback sockets: failover resends a request only when
 * that is safe, forced recovery, {@code proxy:balancer-member} and the {@code io.passerelle:type=Balancers}
 * MXBean (drain, load factor, the change saved through Config Admin), and the {@code TCP}/{@code GET}/
 * {@code HEAD}/{@code OPTIONS} health checks.
 */
class BalancerPromisesTest {

    private static final String PID = "io.passerelle.balancer~cluster";

    private ProxyHarness proxy;
    private FakeConfigAdmin configAdmin;
    private BalancerRegistry registry;
    private BalancerHandler handler;
    private final List<AutoCloseable> backends = new ArrayList<>();
    private final List<BalancerComponent> components = new ArrayList<>();
    private final List<Socket> held = new ArrayList<>();

    @BeforeEach
    void setUp() {
        proxy = new ProxyHarness();
        configAdmin = new FakeConfigAdmin();
        registry = new BalancerRegistry(configAdmin.admin(), proxy.probe);
        handler = new BalancerHandler(registry);
        handler.bindSchemeHandler(proxy.http, Map.of(SchemeHandler.SCHEME, new String[] {"http", "https"}));
        registry.bindLbMethod(new ByRequests(), Map.of(LbMethod.NAME, "byrequests"));
        proxy.bind(handler, "balancer");
        proxy.route("b", "path", "/app/", "url", "balancer://cluster/");
    }

    @AfterEach
    void tearDown() throws Exception {
        components.forEach(BalancerComponent::deactivate);
        registry.deactivate();
        proxy.close();
        for (AutoCloseable b : backends) {
            b.close();
        }
        for (Socket s : held) {
            s.close();
        }
    }

    // ------------------------------------------------------------------ failover only when safe

    @Test
    void aPostWhoseBodyTheMemberReadIsNotResentWhenTheMemberThenResetsTheConnection() throws Exception {
        RawBackend a = raw("a", RawBackend.Mode.RESET);
        RawBackend b = raw("b", RawBackend.Mode.ANSWER);
        balancer("members", a.url() + ", " + b.url());
        byte[] body = bytes(20_000, 1);

        RawClient.Response r = post("/app/x", body);

        // the proxy's own 502: the member got the request, so it is not sent again
        assertEquals(502, r.status(), r.text());
        assertEquals(1, a.requests().size());
        assertEquals("POST /x HTTP/1.1", a.requests().get(0).requestLine());
        assertArrayEquals(body, a.requests().get(0).body());
        assertEquals(0, b.seen.size(), "member b must never receive the POST");
        // ... and the member that broke the exchange is in error for its retry
        assertEquals("Err", state(0));
        // b was usable all along: the next POST, a being in error, goes to it
        byte[] second = bytes(3_000, 2);
        RawClient.Response r2 = post("/app/x", second);
        assertEquals(200, r2.status(), r2.text());
        assertEquals("b /x", r2.text());
        assertEquals(1, b.requests().size());
        assertArrayEquals(second, b.requests().get(0).body());
        assertEquals(1, a.seen.size());
    }

    @Test
    void aPostRefusedByTheFirstMemberIsResentToTheNextWithItsBodyIntact() throws Exception {
        int dead = deadPort();
        RawBackend b = raw("b", RawBackend.Mode.ANSWER);
        balancer("members", "http://127.0.0.1:" + dead + ", " + b.url());
        byte[] body = bytes(64 * 1024, 3);

        RawClient.Response r = post("/app/x", body);

        assertEquals(200, r.status(), r.text());
        assertEquals("b /x", r.text());
        assertEquals(1, b.requests().size());
        RawBackend.Seen got = b.requests().get(0);
        assertEquals("POST /x HTTP/1.1", got.requestLine());
        assertEquals(Integer.toString(body.length), got.header("content-length"));
        assertArrayEquals(body, got.body());
        assertEquals("Err", state(0));
        assertEquals(1, member(0).elected());
        assertEquals(1, member(1).elected());
    }

    @Test
    void aBodilessGetTheMemberReadIsRetriedOnTheNextMemberWhenTheMemberClosesWithoutAnswer() throws Exception {
        RawBackend a = raw("a", RawBackend.Mode.CLOSE);
        RawBackend b = raw("b", RawBackend.Mode.ANSWER);
        balancer("members", a.url() + ", " + b.url());

        RawClient.Response r = get("/app/x");

        assertEquals(200, r.status(), r.text());
        assertEquals("b /x", r.text());
        assertEquals(List.of("GET /x HTTP/1.1"), lines(a.requests()));
        assertEquals(List.of("GET /x HTTP/1.1"), lines(b.requests()));
        assertEquals("Err", state(0));
        assertEquals("Ok", state(1));
    }

    // ------------------------------------------------------------------ forced recovery

    @Test
    void whenEveryMemberIsInErrorTheyAreAllTriedAgainAtOnceWithoutWaitingForTheirRetry() throws Exception {
        int portA = deadPort();
        int portB = deadPort();
        balancer("members", "http://127.0.0.1:" + portA + ", http://127.0.0.1:" + portB, "retry", "60s");

        // both refuse: a, then b on failover; both in error for 60 s
        assertEquals(503, get("/app/x").status());
        awaitIdle();
        assertEquals(List.of("Err", "Err"), List.of(state(0), state(1)));
        assertEquals(List.of(1L, 1L), List.of(member(0).elected(), member(1).elected()));

        // a comes back; b still refuses. Neither retry has elapsed (60 s).
        release(portA);
        RawBackend a = raw("a", portA, RawBackend.Mode.ANSWER);
        RawClient.Response r = get("/app/x");

        // forced recovery gave both another chance at once: byrequests elected b (status 2 against 0), which
        // refused again, then a on failover, which answered
        assertEquals(200, r.status(), r.text());
        assertEquals("a /x", r.text());
        assertEquals(List.of("GET /x HTTP/1.1"), lines(a.requests()));
        assertEquals(List.of(2L, 2L), List.of(member(0).elected(), member(1).elected()));
        assertEquals("Ok", state(0));
        assertEquals("Err", state(1));
        // b is in error again, a is usable: no forced recovery now, a serves alone
        assertEquals("aaaa", sequence(4));
        assertEquals(2L, member(1).elected());
    }

    // ------------------------------------------------------------------ drain, load factor, saved changes

    @Test
    void theDrainCommandStopsNewRequestsKeepsStickyOnesAndSavesTheChangeInTheConfiguration() throws Exception {
        NamedBackend a = named("a");
        NamedBackend b = named("b");
        balancer("members", a.url() + " route=ra, " + b.url() + " route=rb", "stickysession", "ROUTEID");
        assertEquals("ab", sequence(2));

        String out = command("--drain", "cluster", "rb");

        assertEquals("cluster " + b.url() + " (route rb): flags +N, state Drn, loadfactor 1", out.strip());
        assertDrainedWithStickyServed(a, b);
        // saved through Config Admin into the balancer's configuration (Karaf writes it into the file)
        assertEquals(1, configAdmin.updates.get());
        Map<String, Object> saved = configAdmin.properties(PID);
        assertEquals(a.url() + " route=ra, " + b.url() + " route=rb status=+N", saved.get("members"));
        assertEquals("ROUTEID", saved.get("stickysession"));
        // Config Admin hands the saved configuration back to the component: the member stays drained
        components.get(0).modified(Config.defaults(BalancerConfig.class), saved);
        assertDrainedWithStickyServed(a, b);
        // a restart reads the saved configuration: the member starts drained
        assertEquals("Drn", restartedState(saved, 1));
        assertEquals("Ok", restartedState(saved, 0));
    }

    @Test
    void drainMemberOverJmxStopsNewRequestsKeepsStickyOnesAndSavesTheChange() throws Exception {
        NamedBackend a = named("a");
        NamedBackend b = named("b");
        balancer("members", a.url() + " route=ra, " + b.url() + " route=rb", "stickysession", "ROUTEID|routeid");
        MBeanServer jmx = MBeanServerFactory.newMBeanServer();
        ObjectName name = new ObjectName(BalancersMXBean.OBJECT_NAME);
        jmx.registerMBean(new BalancersMBean(registry), name);
        assertEquals("ab", sequence(2));

        jmx.invoke(name, "drainMember", new Object[] {"cluster", b.url()},
                new String[] {String.class.getName(), String.class.getName()});

        CompositeData[] members = (CompositeData[]) jmx.getAttribute(name, "Members");
        assertEquals(List.of("Ok", "Drn"), Arrays.stream(members).map(m -> m.get("state")).toList());
        assertEquals(List.of("", "+N"), Arrays.stream(members).map(m -> m.get("flags")).toList());
        assertDrainedWithStickyServed(a, b);
        // the URL parameter pins to the draining member as the cookie does
        int before = b.served.get();
        assertEquals("b /x;routeid=s.rb", get("/app/x;routeid=s.rb").text());
        assertEquals(before + 1, b.served.get());
        assertEquals(1, configAdmin.updates.get());
        Map<String, Object> saved = configAdmin.properties(PID);
        assertEquals(a.url() + " route=ra, " + b.url() + " route=rb status=+N", saved.get("members"));
        assertEquals("Drn", restartedState(saved, 1));
    }

    @Test
    void setLoadFactorOverJmxAndTheCommandMakeByrequestsFollowTheNewFactorsExactly() throws Exception {
        NamedBackend a = named("a");
        NamedBackend b = named("b");
        NamedBackend c = named("c");
        balancer("members", a.url() + ", " + b.url() + ", " + c.url());
        MBeanServer jmx = MBeanServerFactory.newMBeanServer();
        ObjectName name = new ObjectName(BalancersMXBean.OBJECT_NAME);
        jmx.registerMBean(new BalancersMBean(registry), name);
        // one whole byrequests round at 1:1:1 brings every status back to 0
        assertEquals("abc", sequence(3));

        jmx.invoke(name, "setLoadFactor", new Object[] {"cluster", a.url(), 3},
                new String[] {String.class.getName(), String.class.getName(), int.class.getName()});
        String out = command("--loadfactor", "2", "cluster", b.url());

        assertEquals("cluster " + b.url() + ": flags none, state Ok, loadfactor 2", out.strip());
        CompositeData[] members = (CompositeData[]) jmx.getAttribute(name, "Members");
        assertEquals(List.of(3, 2, 1), Arrays.stream(members).map(m -> m.get("loadFactor")).toList());
        // byrequests at 3:2:1 from statuses 0: a b a c b a, every round of 6
        assertEquals("abacba".repeat(5), sequence(30));
        assertEquals(List.of(16, 11, 6), List.of(a.served.get(), b.served.get(), c.served.get()));
        assertEquals(2, configAdmin.updates.get());
        Map<String, Object> saved = configAdmin.properties(PID);
        assertEquals(a.url() + " loadfactor=3, " + b.url() + " loadfactor=2, " + c.url(), saved.get("members"));
    }

    private void assertDrainedWithStickyServed(NamedBackend a, NamedBackend b) throws IOException {
        assertEquals("Drn", state(1));
        MemberView view = registry.balancers().get(0).members().get(1);
        assertEquals("+N", view.flags());
        assertEquals("Drn", view.state());
        int aBefore = a.served.get();
        int bBefore = b.served.get();
        assertEquals("aaaaaa", sequence(6));
        for (int i = 0; i < 3; i++) {
            RawClient.Response r = get("/app/x", "Cookie", "ROUTEID=s" + i + ".rb");
            assertEquals(200, r.status());
            assertEquals("b /x", r.text());
        }
        assertEquals(aBefore + 6, a.served.get());
        assertEquals(bBefore + 3, b.served.get());
    }

    /** The state of member {@code index} after a restart on {@code saved}: a new registry, a new component. */
    private String restartedState(Map<String, Object> saved, int index) {
        BalancerRegistry restarted = new BalancerRegistry(configAdmin.admin(), proxy.probe);
        try {
            BalancerComponent c = new BalancerComponent(restarted, Config.defaults(BalancerConfig.class), saved);
            String s = restarted.balancers().get(0).members().get(index).state();
            c.deactivate();
            return s;
        } finally {
            restarted.deactivate();
        }
    }

    /** Runs {@code proxy:balancer-member} with the options and arguments given, as Karaf would inject them. */
    private String command(String... args) throws Exception {
        BalancerMemberCommand cmd = new BalancerMemberCommand();
        set(cmd, "control", registry);
        int i = 0;
        for (; args[i].startsWith("--"); i++) {
            switch (args[i]) {
                case "--drain" -> set(cmd, "drain", true);
                case "--enable" -> set(cmd, "enable", true);
                case "--disable" -> set(cmd, "disable", true);
                case "--loadfactor" -> set(cmd, "loadFactor", Integer.valueOf(args[++i]));
                default -> throw new IllegalArgumentException(args[i]);
            }
        }
        set(cmd, "balancer", args[i]);
        set(cmd, "member", args[i + 1]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            assertNull(cmd.execute());
        } finally {
            System.setOut(old);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void set(Object target, String field, Object value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    // ------------------------------------------------------------------ health check methods

    @Test
    void aTcpHealthCheckConnectsWithoutSendingAByteAndTakesTheMemberOutAndBack() throws Exception {
        RawBackend a = raw("a", RawBackend.Mode.ANSWER);
        int port = deadPort();
        balancer("members", a.url() + ", http://127.0.0.1:" + port, "hc.method", "TCP", "hc.interval", "200ms",
                "hc.fails", "2");
        Member mb = member(1);

        await(mb::healthDown);
        assertEquals("HcFl", state(1));
        assertEquals("aaaaaa", sequence(6));

        release(port); // the member listens again on its port
        RawBackend b = raw("b", port, RawBackend.Mode.ANSWER);
        await(() -> !mb.healthDown());
        assertEquals("Ok", state(1));
        await(() -> !b.seen.isEmpty());
        // what the TCP check did: connections opened and closed without a byte
        for (RawBackend.Seen s : b.seen) {
            assertEquals(0, s.bytes(), "a TCP check sends nothing");
            assertNull(s.requestLine());
        }
        assertTrue(a.seen.stream().allMatch(s -> s.bytes() == 0 || "GET /x HTTP/1.1".equals(s.requestLine())));
        assertEquals("abab", sequence(4));
        assertEquals(List.of("GET /x HTTP/1.1", "GET /x HTTP/1.1"), lines(b.requests()));
        assertTrue(b.seen.stream().allMatch(s -> s.bytes() == 0 || "GET /x HTTP/1.1".equals(s.requestLine())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"HEAD", "OPTIONS", "GET"})
    void anHttpHealthCheckSendsExactlyItsMethodOnHcUriAndTakesTheMemberOutAndBack(String method) throws Exception {
        RawBackend a = raw("a", RawBackend.Mode.ANSWER);
        RawBackend b = raw("b", RawBackend.Mode.ANSWER);
        b.healthStatus = 500;
        balancer("members", a.url() + ", " + b.url(), "hc.method", method, "hc.uri",
                "/health", "hc.interval", "200ms", "hc.fails", "2");
        Member mb = member(1);

        await(mb::healthDown);
        assertEquals("HcFl", state(1));
        assertEquals("aaaaaa", sequence(6));
        assertTrue(answered(b, 500) >= 2, "two failed checks take it out");
        assertEquals(0, answered(b, 200));

        b.healthStatus = 200;
        await(() -> !mb.healthDown());
        assertEquals("Ok", state(1));
        assertEquals("abab", sequence(4));

        String line = method + " /health HTTP/1.1";
        for (RawBackend backend : List.of(a, b)) {
            for (RawBackend.Seen s : backend.seen) {
                String l = s.requestLine();
                assertTrue(line.equals(l) || "GET /x HTTP/1.1".equals(l), backend.name + " saw " + l);
                if (line.equals(l)) {
                    assertEquals(0, s.body().length);
                    assertEquals("close", s.header("connection"));
                }
            }
        }
        assertTrue(answered(b, 200) >= 1, "a passing check brought it back");
        assertTrue(answered(a, 200) >= 1, "the other member is checked too");
        assertEquals(2, b.requests().stream().filter(s -> "GET /x HTTP/1.1".equals(s.requestLine())).count());
    }

    /** How many health checks the backend answered with {@code status}. */
    private static long answered(RawBackend backend, int status) {
        return backend.checks().stream().filter(s -> s.answered() == status).count();
    }

    // ------------------------------------------------------------------ helpers

    private RawBackend raw(String name, RawBackend.Mode mode) throws IOException {
        return raw(name, 0, mode);
    }

    private RawBackend raw(String name, int port, RawBackend.Mode mode) throws IOException {
        RawBackend b = new RawBackend(name, port, mode);
        backends.add(b);
        return b;
    }

    private NamedBackend named(String name) throws IOException {
        NamedBackend b = new NamedBackend(name);
        backends.add(b);
        return b;
    }

    /** Configures balancer {@code cluster} as its file would, and keeps that configuration in Config Admin. */
    private void balancer(String... kv) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", PID);
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        configAdmin.put(PID, p);
        components.add(new BalancerComponent(registry, Config.defaults(BalancerConfig.class), p));
    }

    private Member member(int index) {
        return registry.byName("cluster").members().get(index);
    }

    private String state(int index) {
        return member(index).state(System.nanoTime());
    }

    /** Waits until no member is busy any more (an exchange releases its member just after its answer). */
    private void awaitIdle() {
        await(() -> registry.byName("cluster").members().stream().allMatch(m -> m.busy() == 0));
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

    private RawClient.Response post(String target, byte[] body) throws IOException {
        String head = "POST " + target + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\nContent-Type: application/octet-stream"
                + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        try (RawClient c = new RawClient(proxy.port)) {
            c.send(head);
            c.send(body);
            return c.read();
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

    private static List<String> lines(List<RawBackend.Seen> seen) {
        return seen.stream().map(RawBackend.Seen::requestLine).toList();
    }

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A port that refuses connections: bound by a socket that never listens (see BalancerEndToEndTest). */
    private int deadPort() throws IOException {
        Socket holder = new Socket();
        holder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        held.add(holder);
        return holder.getLocalPort();
    }

    private void release(int port) throws IOException {
        for (Socket s : held) {
            if (s.getLocalPort() == port) {
                s.close();
            }
        }
    }

    private static void await(BooleanSupplier condition) {
        Polling.await("the condition", Duration.ofSeconds(10), condition);
    }

    /**
     * A blocking backend on a loopback port, one thread per connection, one request per connection: records
     * every connection (bytes received, request line, headers, body), then answers ({@code ANSWER}: 200 with
     * its name and the target, or {@link #healthStatus} on {@code /health}, {@code Connection: close}), closes
     * without answering ({@code CLOSE}) or resets the connection ({@code RESET}).
     */
    static final class RawBackend implements AutoCloseable {

        enum Mode { ANSWER, CLOSE, RESET }

        /**
         * One connection as the backend saw it; {@code requestLine} null when no whole head came; {@code answered}
         * the status it answers with (decided when the request is recorded), 0 when it does not answer.
         */
        record Seen(int bytes, String requestLine, Map<String, String> headers, byte[] body, int answered) {
            String header(String name) {
                return headers.get(name);
            }
        }

        final String name;
        final List<Seen> seen = new CopyOnWriteArrayList<>();
        volatile int healthStatus = 200;
        private final Mode mode;
        private final ServerSocket server;
        private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());

        RawBackend(String name, int port, Mode mode) throws IOException {
            this.name = name;
            this.mode = mode;
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
            Thread t = new Thread(this::acceptLoop, "raw-backend-" + name);
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        /** The connections that carried a whole request head. */
        List<Seen> requests() {
            return seen.stream().filter(s -> s.requestLine() != null).toList();
        }

        /** The requests on {@code /health}. */
        List<Seen> checks() {
            return seen.stream().filter(s -> s.requestLine() != null && s.requestLine().contains(" /health ")).toList();
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    Thread t = new Thread(() -> serve(s), "raw-backend-" + name + "-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                s.setSoTimeout(10_000);
                InputStream in = s.getInputStream();
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                int c;
                int bytes = 0;
                try {
                    while ((c = in.read()) >= 0) {
                        bytes++;
                        head.write(c);
                        if (endsWithBlankLine(head)) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    // a reset: what came before it counts
                }
                if (!endsWithBlankLine(head)) {
                    seen.add(new Seen(bytes, null, Map.of(), new byte[0], 0));
                    return;
                }
                String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
                Map<String, String> headers = new HashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
                String length = headers.get("content-length");
                byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
                String requestLine = lines[0];
                int status = mode != Mode.ANSWER ? 0 : requestLine.split(" ")[1].equals("/health") ? healthStatus : 200;
                seen.add(new Seen(bytes + body.length, requestLine, headers, body, status));
                switch (mode) {
                    case CLOSE -> {
                        return; // closed by try-with-resources, without a byte of answer
                    }
                    case RESET -> {
                        s.setSoLinger(true, 0);
                        return;
                    }
                    case ANSWER -> answer(s, requestLine, status);
                }
            } catch (IOException e) {
                // the peer went away: nothing to answer
            } finally {
                open.remove(s);
            }
        }

        private void answer(Socket s, String requestLine, int status) throws IOException {
            String[] parts = requestLine.split(" ");
            byte[] body = (name + " " + parts[1]).getBytes(StandardCharsets.ISO_8859_1);
            String head = "HTTP/1.1 " + status + (status == 200 ? " OK" : " Error") + "\r\nContent-Length: "
                    + body.length + "\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n";
            OutputStream out = s.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            if (!parts[0].equals("HEAD")) {
                out.write(body);
            }
            out.flush();
            s.shutdownOutput();
            // wait for the proxy to close its side, so that closing never resets an answer in flight
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // nothing more is expected
            }
        }

        private static boolean endsWithBlankLine(ByteArrayOutputStream b) {
            byte[] a = b.toByteArray();
            int n = a.length;
            return n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n';
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (open) {
                for (Socket s : open) {
                    s.close();
                }
            }
        }
    }

    /**
     * Config Admin as far as the registry uses it ({@code listConfigurations}, then {@code getProperties} and
     * {@code update} of the configuration found): configurations by PID in memory, each update counted. What
     * Karaf does next (writing the file, calling the component's {@code modified}) is done by the tests.
     */
    static final class FakeConfigAdmin {

        final AtomicInteger updates = new AtomicInteger();
        private final Map<String, Hashtable<String, Object>> byPid = new ConcurrentHashMap<>();

        void put(String pid, Map<String, Object> props) {
            byPid.put(pid, new Hashtable<>(props));
        }

        Map<String, Object> properties(String pid) {
            return new HashMap<>(byPid.get(pid));
        }

        ConfigurationAdmin admin() {
            return proxy(ConfigurationAdmin.class, (method, args) -> {
                if (!method.getName().equals("listConfigurations")) {
                    throw new UnsupportedOperationException(method.getName());
                }
                String filter = (String) args[0];
                String prefix = "(service.pid=";
                if (!filter.startsWith(prefix) || !filter.endsWith(")")) {
                    throw new UnsupportedOperationException("filter " + filter);
                }
                String pid = filter.substring(prefix.length(), filter.length() - 1);
                return byPid.containsKey(pid) ? new Configuration[] {configuration(pid)} : null;
            });
        }

        private Configuration configuration(String pid) {
            return proxy(Configuration.class, (method, args) -> switch (method.getName()) {
                case "getPid" -> pid;
                case "getProperties" -> new Hashtable<>(byPid.get(pid));
                case "update" -> {
                    if (args == null || args.length != 1) {
                        throw new UnsupportedOperationException("update()");
                    }
                    @SuppressWarnings("unchecked")
                    Dictionary<String, Object> d = (Dictionary<String, Object>) args[0];
                    Hashtable<String, Object> copy = new Hashtable<>();
                    for (String k : Collections.list(d.keys())) {
                        copy.put(k, d.get(k));
                    }
                    byPid.put(pid, copy);
                    updates.incrementAndGet();
                    yield null;
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });
        }

        private interface Body {
            Object call(Method method, Object[] args) throws Exception;
        }

        private static <T> T proxy(Class<T> type, Body body) {
            InvocationHandler h = (p, method, args) -> {
                if (method.getDeclaringClass() == Object.class) {
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(p);
                        case "equals" -> p == args[0];
                        default -> type.getSimpleName();
                    };
                }
                return body.call(method, args);
            };
            return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h));
        }
    }
}
