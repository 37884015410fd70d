package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The balancer module (SPEC 4.5, mod_proxy_balancer) in the distribution, with three real backends per
 * test: balancer files and routes written into etc/, real HTTP and WebSocket traffic through the listener,
 * the shell commands, and member changes saved into the balancer's file.
 *
 * <p>Karaf boots once for this class; each test uses its own balancer and route (lb1, lb2...).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BalancerIT extends PasserelleTestSupport {

    private final List<AutoCloseable> closeAfter = new ArrayList<>();


    @After
    public void closeWsBackendsAndClients() {
        for (AutoCloseable c : closeAfter) {
            try {
                c.close();
            } catch (Exception e) {
                // closed anyway
            }
        }
        closeAfter.clear();
    }

    /** Writes balancer NAME with its keys and route NAME (/NAME/ -> balancer://NAME/), and waits for it to serve. */
    private void balancer(String name, String... keyValues) throws Exception {
        writeCfg("io.passerelle.balancer-" + name + ".cfg", keyValues);
        writeCfg("io.passerelle.route-" + name + ".cfg", "path", "/" + name + "/", "url", "balancer://" + name + "/");
        await("balancer " + name + " in proxy:balancers", () -> executeCommand("proxy:balancers " + name).contains(name));
    }

    private static String members(Object... urlsAndOptions) {
        StringBuilder b = new StringBuilder();
        for (Object o : urlsAndOptions) {
            String s = o instanceof TestBackend t ? t.url() : o instanceof WsEchoBackend w ? w.url() : o.toString();
            if (s.contains("://") && b.length() > 0) {
                b.append(", ");
            } else if (b.length() > 0) {
                b.append(' ');
            }
            b.append(s);
        }
        return b.toString();
    }

    /** Which backend answered each of {@code n} GETs, in order; every answer must be 200. */
    private String sequence(String path, int n) throws IOException {
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < n; i++) {
            HttpResult r = httpGet(path);
            assertEquals("request " + i + " of " + n + ": " + r, 200, r.status());
            seq.append(r.header("X-Backend"));
        }
        return seq.toString();
    }

    private static Map<Character, Integer> counts(String seq) {
        Map<Character, Integer> m = new HashMap<>();
        for (char c : seq.toCharArray()) {
            m.merge(c, 1, Integer::sum);
        }
        return m;
    }

    @Test
    public void realTrafficIsSpreadByLoadFactorInHttpdsByrequestsOrder() throws Exception {
        TestBackend a = startBackend("a");
        TestBackend b = startBackend("b");
        TestBackend c = startBackend("c");
        balancer("lb1", "members", members(a, b, "loadfactor=2", c));
        assertEquals("bacb".repeat(25), sequence("/lb1/x", 100));
        assertEquals(List.of(25, 50, 25), List.of(a.requests(), b.requests(), c.requests()));
        HttpResult deep = httpGet("/lb1/deep/p?q=1"); // the 101st: b again
        assertEquals("the path after the balancer reaches the member", b.bodyFor("/deep/p?q=1"), deep.body());
        String shown = executeCommand("proxy:balancers lb1");
        assertTrue("elected counts in proxy:balancers:\n" + shown, shown.contains("| 51 ") && shown.contains("| 25 "));
    }

    @Test
    public void aKilledMemberIsSkippedWithZeroFailedIdempotentRequests() throws Exception {
        TestBackend a = startBackend("a");
        TestBackend b = startBackend("b");
        TestBackend c = startBackend("c");
        balancer("lb2", "members", members(a, b, c));
        String before = sequence("/lb2/x", 30);
        assertEquals(Map.of('a', 10, 'b', 10, 'c', 10), counts(before));
        b.close();
        String after = sequence("/lb2/x", 60); // sequence() asserts that every one is 200
        assertTrue("b served nothing once killed: " + after, after.indexOf('b') < 0);
        String shown = executeCommand("proxy:balancers lb2");
        assertTrue("the killed member is shown in error:\n" + shown, shown.contains("Err"));
    }

    @Test
    public void theHotStandbyServesOnlyWhenTheOtherMembersAreDown() throws Exception {
        TestBackend a = startBackend("a");
        TestBackend b = startBackend("b");
        TestBackend h = startBackend("h");
        balancer("lb3", "members", members(a, b, h, "status=+H"));
        assertEquals(Map.of('a', 10, 'b', 10), counts(sequence("/lb3/x", 20)));
        assertEquals(0, h.requests());
        a.close();
        b.close();
        assertEquals("h".repeat(20), sequence("/lb3/x", 20));
    }

    /** An upgrade through the proxy with a Cookie; returns the socket (open tunnel) and the answer's head. */
    private record Upgrade(Socket socket, InputStream in, int status, String backend) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }

        /** Sends one masked text frame and reads its echo. */
        String echo(String text) throws IOException {
            byte[] payload = text.getBytes(UTF_8);
            byte[] mask = {1, 2, 3, 4};
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {(byte) 0x81, (byte) (0x80 | payload.length)});
            out.write(mask);
            for (int i = 0; i < payload.length; i++) {
                out.write(payload[i] ^ mask[i % 4]);
            }
            out.flush();
            int b0 = in.read();
            int len = in.read() & 0x7f;
            byte[] got = in.readNBytes(len);
            return b0 == 0x81 ? new String(got, UTF_8) : "opcode " + b0;
        }
    }

    private Upgrade upgrade(String path, String cookie) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenerPort()), 5_000);
        s.setSoTimeout(10_000);
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\nSec-WebSocket-Version: 13\r\n"
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n";
        s.getOutputStream().write(request.getBytes(US_ASCII));
        s.getOutputStream().flush();
        InputStream in = new BufferedInputStream(s.getInputStream());
        String status = RawWebSocket.readLine(in);
        String backend = null;
        for (String line = RawWebSocket.readLine(in); !line.isEmpty(); line = RawWebSocket.readLine(in)) {
            if (line.toLowerCase(Locale.ROOT).startsWith("x-backend:")) {
                backend = line.substring(10).trim();
            }
        }
        Upgrade u = new Upgrade(s, in, Integer.parseInt(status.split(" ")[1]), backend);
        closeAfter.add(u);
        return u;
    }

    private WsEchoBackend wsBackend(String id) throws IOException {
        WsEchoBackend w = WsEchoBackend.echo(id);
        closeAfter.add(w);
        return w;
    }

    @Test
    public void aStickyCookiePinsAWebSocketUpgradeToItsMember() throws Exception {
        WsEchoBackend a = wsBackend("a");
        WsEchoBackend b = wsBackend("b");
        WsEchoBackend c = wsBackend("c");
        balancer("lb4", "members", members(a, "route=ra", b, "route=rb", c, "route=rc"), "stickysession", "ROUTEID");
        for (int i = 0; i < 10; i++) {
            Upgrade u = upgrade("/lb4/chat", "theme=dark; ROUTEID=session" + i + ".rb");
            assertEquals(101, u.status());
            assertEquals("b", u.backend());
            assertEquals("hello " + i, u.echo("hello " + i));
        }
        assertEquals(10, b.handshakes());
        assertEquals(0, a.handshakes() + c.handshakes());
        // without the cookie, upgrades are balanced as usual
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            seen.append(upgrade("/lb4/chat", null).backend());
        }
        assertEquals(3, counts(seen.toString()).size());
    }

    @Test
    public void bybusynessSpreadsNewTunnelsToTheLeastBusyMembers() throws Exception {
        WsEchoBackend a = wsBackend("a");
        WsEchoBackend b = wsBackend("b");
        WsEchoBackend c = wsBackend("c");
        balancer("lb5", "members", members(a, "route=ra", b, "route=rb", c, "route=rc"), "lbmethod", "bybusyness",
                "stickysession", "ROUTEID");
        for (int i = 0; i < 30; i++) {
            Upgrade u = upgrade("/lb5/chat", "ROUTEID=s" + i + ".ra");
            assertEquals("a", u.backend());
        }
        await("30 tunnels open on a", () -> a.open() == 30);
        StringBuilder fresh = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            Upgrade u = upgrade("/lb5/chat", null);
            assertEquals(101, u.status());
            fresh.append(u.backend());
        }
        assertEquals("new tunnels go to b and c while a holds 30: " + fresh, Map.of('b', 10, 'c', 10),
                counts(fresh.toString()));
        String shown = executeCommand("proxy:balancers lb5");
        // columns: Balancer | Member | Route | Flags | State | LoadFactor | Elected | Busy | To | From | Health
        assertEquals("a is busy with its 30 tunnels:\n" + shown, "30", tableRow(shown, 2, "ra").get(7));
        assertEquals("b with 10:\n" + shown, "10", tableRow(shown, 2, "rb").get(7));
        assertEquals("c with 10:\n" + shown, "10", tableRow(shown, 2, "rc").get(7));
    }

    @Test
    public void aHealthCheckTakesADeadMemberOutAndBringsItBack() throws Exception {
        TestBackend a = startBackend("a");
        TestBackend b = startBackend("b");
        int bPort = b.port();
        balancer("lb6", "members", members(a, b), "hc.method", "GET", "hc.uri", "/health", "hc.interval", "200ms");
        await("both members up", () -> executeCommand("proxy:balancers lb6").split("\\bup\\b", -1).length == 3);
        b.close();
        await("b taken out by its health check", () -> executeCommand("proxy:balancers lb6").contains("HcFl"));
        assertEquals("a".repeat(10), sequence("/lb6/x", 10));
        try (PortBackend back = PortBackend.start("b", bPort)) {
            await("b back in", () -> !executeCommand("proxy:balancers lb6").contains("HcFl"));
            assertTrue(sequence("/lb6/x", 10).contains("b"));
        }
    }

    /**
     * Health checks go through the core's connections with the TLS settings of the route that sends to the
     * balancer: a member whose certificate a private CA signed passes when that route's trust store holds the CA,
     * and fails (HcFl) behind a route that has no trust store (the JDK's does not know the CA).
     */
    @Test
    public void aMemberSignedByAPrivateCaPassesItsHealthCheckThroughTheRoutesTrustStore() throws Exception {
        TestTls ca = TestTls.privateCa();
        TestBackend secure = TestBackend.startTls("secure", ca.serverContext());
        closeAfter.add(secure);
        String member = "https://localhost:" + secure.port();
        writeCfg("io.passerelle.balancer-lbca.cfg", "members", member, "hc.method", "GET", "hc.uri", "/health",
            "hc.interval", "200ms");
        writeCfg("io.passerelle.route-lbca.cfg", "path", "/lbca/", "url", "balancer://lbca/",
            "tls.truststore", ca.truststore().toString(), "tls.truststore.password", TestTls.PASSWORD);
        writeCfg("io.passerelle.balancer-lbnoca.cfg", "members", member, "hc.method", "GET", "hc.uri", "/noca",
            "hc.interval", "200ms");
        writeCfg("io.passerelle.route-lbnoca.cfg", "path", "/lbnoca/", "url", "balancer://lbnoca/");

        await("the member behind the JDK's trust store taken out by its health check",
            () -> executeCommand("proxy:balancers lbnoca").contains("HcFl"));
        assertTrue("no health check request got through without the CA: " + secure.uris(),
            !secure.uris().contains("/noca"));
        await("health checks through the route's trust store reach the member",
            () -> secure.uris().stream().filter("/health"::equals).count() >= 3);
        String shown = executeCommand("proxy:balancers lbca");
        assertTrue("the member passes its health check:\n" + shown, !shown.contains("HcFl") && shown.contains(" up"));
        HttpResult r = httpGet("/lbca/x");
        assertEquals(200, r.status());
        assertEquals(secure.bodyFor("/x"), r.body());
    }

    @Test
    public void disablingAMemberFromTheShellTakesEffectAtOnceAndIsSavedIntoItsFile() throws Exception {
        TestBackend a = startBackend("a");
        TestBackend b = startBackend("b");
        balancer("lb7", "members", members(a, "route=ra", b, "route=rb"));
        assertEquals(Map.of('a', 2, 'b', 2), counts(sequence("/lb7/x", 4)));

        String out = executeCommand("proxy:balancer-member --disable lb7 rb");
        assertTrue(out, out.contains("+D"));
        assertEquals("at once", "a".repeat(10), sequence("/lb7/x", 10));
        await("the change saved into etc/io.passerelle.balancer-lb7.cfg", () -> Files
                .readString(karafEtc().resolve("io.passerelle.balancer-lb7.cfg")).contains("status=+D"));

        // the module restarts from what Config Admin and the file hold
        executeCommand("feature:uninstall passerelle-balancer");
        executeCommand("feature:install passerelle-balancer");
        await("balancer lb7 back", () -> executeCommand("proxy:balancers lb7").contains("Dis"));
        assertEquals("a".repeat(6), sequence("/lb7/x", 6));

        String enabled = executeCommand("proxy:balancer-member --enable --loadfactor 3 lb7 " + b.url());
        assertTrue(enabled, enabled.contains("loadfactor 3"));
        await("the change saved: " + enabled, () -> Files.readString(karafEtc().resolve("io.passerelle.balancer-lb7.cfg"))
                .contains("loadfactor=3"));
        assertEquals(Map.of('a', 2, 'b', 6), counts(sequence("/lb7/x", 8)));
    }

    @Test
    public void aBalancerNamingAMissingLbmethodAnswers503AndOneWarn() throws Exception {
        TestBackend a = startBackend("a");
        balancer("lb8", "members", members(a), "lbmethod", "byphase");
        assertEquals(503, httpGet("/lb8/x").status());
        assertEquals(503, httpGet("/lb8/x").status());
        List<String> warns = karafLogLines(l -> l.contains("WARN") && l.contains("lbmethod 'byphase'"));
        assertEquals(warns.toString(), 1, warns.size());
        assertTrue(executeCommand("proxy:balancers lb8").contains("not installed"));
    }

    @Test
    public void aThirdPartyLbmethodDroppedIntoDeployIsUsedByNameWithoutARestart() throws Exception {
        TestBackend a = startBackend("a");
        TestBackend b = startBackend("b");
        balancer("lb9", "members", members(a, b), "lbmethod", "first");
        assertEquals(503, httpGet("/lb9/x").status());
        assertEquals(1, karafLogLines(l -> l.contains("WARN") && l.contains("lbmethod 'first'")).size());

        Path jar = exampleJar("passerelle-example-lbmethod-first.jar");
        Path deployed = Paths.get(System.getProperty("karaf.base"), "deploy", "passerelle-example-lbmethod-first.jar");
        Files.copy(jar, deployed, StandardCopyOption.REPLACE_EXISTING);
        try {
            awaitHttp("/lb9/x", 200, null);
            assertEquals("a".repeat(8), sequence("/lb9/x", 8));
            a.close();
            assertEquals("b".repeat(4), sequence("/lb9/x", 4));
        } finally {
            Files.deleteIfExists(deployed);
        }
        await("the example bundle uninstalled with its file", () -> bundle("org.example.passerelle.lbfirst") == null);
        assertEquals(503, httpGet("/lb9/x").status());
    }

    @Test
    public void theBalancerFiguresAndMemberOperationsAreJmxAttributesAndOperations() throws Exception {
        TestBackend a = startBackend("a");
        TestBackend b = startBackend("b");
        balancer("lb10", "members", members(a, "route=ra", b, "route=rb"));
        sequence("/lb10/x", 4);
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("io.passerelle:type=Balancers");
        long elected = 0;
        for (CompositeData m : (CompositeData[]) server.getAttribute(name, "Members")) {
            if ("lb10".equals(m.get("balancer"))) {
                elected += (Long) m.get("elected");
            }
        }
        assertEquals(4, elected);
        server.invoke(name, "disableMember", new Object[] {"lb10", "rb"},
                new String[] {String.class.getName(), String.class.getName()});
        assertEquals("a".repeat(6), sequence("/lb10/x", 6));
        server.invoke(name, "enableMember", new Object[] {"lb10", "rb"},
                new String[] {String.class.getName(), String.class.getName()});
        assertTrue(sequence("/lb10/x", 4).contains("b"));
    }
}
