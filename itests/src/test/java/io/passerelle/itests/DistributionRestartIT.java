package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import org.junit.After;
import org.junit.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * What must survive a real restart of the distribution, which Pax Exam cannot do: the distribution is
 * unpacked, started with {@code bin/start}, driven with {@code bin/client} (its own copy enables the
 * {@code karaf} user that the shipped {@code etc/users.properties} leaves commented out), stopped with
 * {@code bin/stop} and started again. Runs in the test JVM, not inside Karaf.
 */
public class DistributionRestartIT extends Distribution {

    private final List<HttpServer> backends = new ArrayList<>();

    @After
    public void stopEverything() throws Exception {
        if (home != null) {
            run(Duration.ofSeconds(60), "bin/stop");
            awaitStopped();
        }
        backends.forEach(b -> b.stop(0));
    }

    @Test
    public void aMemberDisabledFromTheShellStaysDisabledAfterARestartOfTheDistribution() throws Exception {
        HttpServer a = backend("a");
        HttpServer b = backend("b");
        unpack();
        Files.writeString(home.resolve("etc/io.passerelle.balancer-rs.cfg"),
                "members = http://127.0.0.1:" + a.getAddress().getPort() + "/ route=ra, http://127.0.0.1:"
                        + b.getAddress().getPort() + "/ route=rb\n");
        Files.writeString(home.resolve("etc/io.passerelle.route-rs.cfg"), "path = /rs/\nurl = balancer://rs/\n");

        start();
        String before = answers(4);
        assertTrue(before, before.contains("a") && before.contains("b"));
        String out = client("proxy:balancer-member --disable rs rb");
        assertTrue(out, out.contains("+D"));
        assertEquals("aaaa", answers(4));

        run(Duration.ofSeconds(60), "bin/stop");
        awaitStopped();
        String saved = Files.readString(home.resolve("etc/io.passerelle.balancer-rs.cfg"));
        assertTrue("the change is in the file:\n" + saved, saved.contains("status=+D"));

        start();
        assertEquals("after the restart, the disabled member gets nothing", "aaaaaa", answers(6));
        String shown = client("proxy:balancers rs");
        assertTrue(shown, shown.contains("+D") && shown.contains("Dis"));
    }

    /**
     * SPEC §8: proxy: commands and MBean operations that change anything are for the admin role (the
     * distribution's etc/org.apache.karaf.command.acl.proxy.cfg and etc/jmx.acl.io.passerelle.*.cfg); a viewer
     * sees the figures and is refused the changes, in the shell and over JMX.
     */
    @Test
    public void changesAreForTheAdminRoleOnlyInTheShellAndOverJmx() throws Exception {
        HttpServer a = backend("a");
        HttpServer b = backend("b");
        unpack();
        Path users = home.resolve("etc/users.properties");
        Files.writeString(users, Files.readString(users) + "\nwatcher = watcher,viewer,ssh\n");
        Files.writeString(home.resolve("etc/io.passerelle.balancer-rs.cfg"),
                "members = http://127.0.0.1:" + a.getAddress().getPort() + "/ route=ra, http://127.0.0.1:"
                        + b.getAddress().getPort() + "/ route=rb\n");
        Files.writeString(home.resolve("etc/io.passerelle.route-rs.cfg"), "path = /rs/\nurl = balancer://rs/\n");
        start();

        String routes = client("watcher", "proxy:routes");
        assertTrue("a viewer sees the routes:\n" + routes, routes.contains("/rs/"));
        String refused = clientAllowingFailure("watcher", "proxy:balancer-member --disable rs rb");
        // Karaf hides a command its ACL refuses the user ("Command not found"), or refuses it on the spot
        assertTrue("a viewer is refused a change:\n" + refused,
                refused.contains("Command not found") || refused.contains("Insufficient credentials"));
        String shown = client("proxy:balancers rs");
        assertTrue("nothing changed:\n" + shown, !shown.contains("+D"));
        assertTrue(client("proxy:balancer-member --disable rs rb").contains("+D"));

        try (JMXConnector viewer = jmx("watcher", "watcher"); JMXConnector admin = jmx("karaf", "karaf")) {
            ObjectName balancers = new ObjectName("io.passerelle:type=Balancers");
            Object[] members = (Object[]) viewer.getMBeanServerConnection().getAttribute(balancers, "Members");
            assertEquals("a viewer reads the members", 2, members.length);
            assertEquals("a viewer reads the routes (rs alone)", 1, ((Object[]) viewer.getMBeanServerConnection()
                    .getAttribute(new ObjectName("io.passerelle:type=Proxy"), "Routes")).length);
            try {
                viewer.getMBeanServerConnection().invoke(balancers, "enableMember", new Object[] {"rs", "rb"},
                        new String[] {String.class.getName(), String.class.getName()});
                throw new AssertionError("a viewer enabled a member over JMX");
            } catch (SecurityException e) {
                // refused, as the ACL says
            }
            assertTrue(client("proxy:balancers rs").contains("+D"));
            admin.getMBeanServerConnection().invoke(balancers, "enableMember", new Object[] {"rs", "rb"},
                    new String[] {String.class.getName(), String.class.getName()});
            assertTrue("the admin enabled it", !client("proxy:balancers rs").contains("+D"));
        }
    }

    /**
     * SPEC §8 and issue 11: every Passerelle .cfg file of the running distribution rewritten with a comment, a
     * blank line and, in the route files, a key written as its default value (fileinstall delivers that as a
     * Config Admin update; a comment alone it skips): every route keeps its generation, the open tunnel stays
     * open, and nothing about it is logged above DEBUG. An effective change to one route then does make a new
     * generation, which shows the comparison reads the right column.
     */
    @Test
    public void touchingEveryCfgFileChangesNoGenerationClosesNoTunnelAndLogsNothing() throws Exception {
        HttpServer a = backend("a");
        try (WsEchoBackend ws = WsEchoBackend.echo("touch")) {
            unpack();
            Files.writeString(home.resolve("etc/io.passerelle.balancer-rs.cfg"),
                    "members = http://127.0.0.1:" + a.getAddress().getPort() + "/ route=ra\n");
            Files.writeString(home.resolve("etc/io.passerelle.route-rs.cfg"), "path = /rs/\nurl = balancer://rs/\n");
            Files.writeString(home.resolve("etc/io.passerelle.route-ws.cfg"), "path = /ws/\nurl = " + ws.url() + "\n");
            Files.writeString(home.resolve("etc/io.passerelle.rewrite-gone.cfg"),
                    "rules = RewriteEngine on \\\n        RewriteRule ^/gone$ - [G]\n");
            start();
            assertEquals(410, RawHttp.exchange(listenerPort, "GET", "/gone", null).status());

            try (RawWebSocket tunnel = RawWebSocket.open(listenerPort, "/ws/", 0, 10_000)) {
                assertEquals(101, tunnel.status());
                tunnel.sendText("before");
                assertEquals("before", new String(tunnel.readFrame().payload(), UTF_8));
                Map<String, String> generations = generations(client("proxy:routes"));
                assertEquals(generations.toString(), 2, generations.size());
                long logMark = Files.size(home.resolve("data/log/karaf.log"));

                List<Path> touched = new ArrayList<>();
                try (var files = Files.list(home.resolve("etc"))) {
                    for (Path f : (Iterable<Path>) files.filter(f -> f.getFileName().toString().startsWith("io.passerelle.")
                            && f.getFileName().toString().endsWith(".cfg"))::iterator) {
                        String name = f.getFileName().toString();
                        String text = Files.readString(f);
                        // a key written as its default, or a default-valued key taken out: an update Config Admin
                        // delivers, with the same effective values
                        String extra = name.startsWith("io.passerelle.route-") ? "order = 100\nencoded.slashes = reject\n"
                                : name.startsWith("io.passerelle.listener-") ? "header.max.count = 100\n"
                                : name.startsWith("io.passerelle.balancer-") ? "lbmethod = byrequests\n"
                                : name.startsWith("io.passerelle.rewrite-") ? "order = 100\n"
                                : name.equals("io.passerelle.core.cfg") ? "io.threads = 0\n" : "";
                        if (name.equals("io.passerelle.http.cfg")) {
                            assertTrue(text, text.contains("\nvia = true\n"));
                            text = text.replace("\nvia = true\n", "\n");
                        }
                        Files.writeString(f, "# touched by " + getClass().getSimpleName() + "\n" + text + "\n" + extra);
                        touched.add(f.getFileName());
                    }
                }
                assertEquals(touched.toString(), 8, touched.size()); // core, listener, http, wstunnel, balancer, 2 routes, rewrite
                // fileinstall polls etc/ every second; an update would show within a few
                TimeUnit.SECONDS.sleep(5);

                assertEquals("every route keeps its generation", generations, generations(client("proxy:routes")));
                tunnel.sendText("after");
                assertEquals("the tunnel is still open", "after", new String(tunnel.readFrame().payload(), UTF_8));
                assertEquals(410, RawHttp.exchange(listenerPort, "GET", "/gone", null).status());
                String logged = log().substring((int) logMark);
                // the layout's MDC names the bundle that logged: " | 26 - io.passerelle.core - 0.1.0.SNAPSHOT | "
                List<String> loud = logged.lines().filter(l -> l.contains(" - io.passerelle."))
                        .filter(l -> l.contains("| INFO ") || l.contains("| WARN ") || l.contains("| ERROR "))
                        .toList();
                assertTrue("nothing above DEBUG for no-op updates of " + touched + ":\n" + String.join("\n", loud),
                        loud.isEmpty());

                set("etc/io.passerelle.route-ws.cfg", "order", "50");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (generations(client("proxy:routes")).get("ws").equals(generations.get("ws"))) {
                    assertTrue("an effective change makes a new generation", System.nanoTime() < deadline);
                    TimeUnit.MILLISECONDS.sleep(250);
                }
                assertEquals(generations.get("rs"), generations(client("proxy:routes")).get("rs"));
                assertTrue("the same log filter sees the effective change's INFO line",
                        log().substring((int) logMark).lines().anyMatch(l -> l.contains(" - io.passerelle.core")
                                && l.contains("| INFO ") && l.contains("Route ws ")));
                tunnel.sendText("still");
                assertEquals("the edited route's tunnel stays open on its old generation", "still",
                        new String(tunnel.readFrame().payload(), UTF_8));
            }
        }
    }

    /**
     * SPEC §4.9 and issue 11: {@code bin/stop} with an open WebSocket and a slow request in flight. New connections
     * are refused at once, the request completes, the WebSocket client gets a close frame with status 1001 and the
     * backend a masked one, and the distribution then stops.
     */
    @Test
    public void binStopLetsTheSlowRequestFinishSends1001AndRefusesNewConnections() throws Exception {
        HttpServer a = backend("a");
        java.util.concurrent.CountDownLatch slowArrived = new java.util.concurrent.CountDownLatch(1);
        a.createContext("/slow", exchange -> {
            try (exchange) {
                slowArrived.countDown();
                try {
                    TimeUnit.SECONDS.sleep(3); // the backend's own thread: the proxy must wait for it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                byte[] body = "slow but done".getBytes(UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
        });
        try (WsEchoBackend ws = WsEchoBackend.echo("stop")) {
            unpack();
            Files.writeString(home.resolve("etc/io.passerelle.balancer-rs.cfg"),
                    "members = http://127.0.0.1:" + a.getAddress().getPort() + "/ route=ra\n");
            Files.writeString(home.resolve("etc/io.passerelle.route-rs.cfg"), "path = /rs/\nurl = balancer://rs/\n");
            Files.writeString(home.resolve("etc/io.passerelle.route-slow.cfg"),
                    "path = /slow\nurl = http://127.0.0.1:" + a.getAddress().getPort() + "/slow\n");
            Files.writeString(home.resolve("etc/io.passerelle.route-ws.cfg"), "path = /ws/\nurl = " + ws.url() + "\n");
            start();

            try (RawWebSocket tunnel = RawWebSocket.open(listenerPort, "/ws/", 0, 30_000)) {
                assertEquals(101, tunnel.status());
                tunnel.sendText("hello");
                assertEquals("hello", new String(tunnel.readFrame().payload(), UTF_8));

                java.util.concurrent.CompletableFuture<HttpResult> slow = java.util.concurrent.CompletableFuture
                        .supplyAsync(() -> {
                            try {
                                return RawHttp.exchange(listenerPort, "GET", "/slow", null);
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
                assertTrue("the slow request reached the backend", slowArrived.await(30, TimeUnit.SECONDS));

                run(Duration.ofSeconds(60), "bin/stop");

                RawWebSocket.Frame end = tunnel.readFrame();
                assertTrue("a close frame: " + end, end != null && end.opcode() == RawWebSocket.CLOSE);
                assertEquals("status 1001 (going away)", 1001, end.closeCode());
                long refusedDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (portOpen(listenerPort)) {
                    assertTrue("new connections are refused once bin/stop ran", System.nanoTime() < refusedDeadline);
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                assertTrue("the slow request is still in flight while new connections are refused", !slow.isDone());

                HttpResult r = slow.get(30, TimeUnit.SECONDS);
                assertEquals(r.toString(), 200, r.status());
                assertEquals("slow but done", r.body());
                long backendDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (ws.closesReceived().isEmpty()) {
                    assertTrue("the backend gets a close frame", System.nanoTime() < backendDeadline);
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                assertEquals(List.of("masked 1001"), ws.closesReceived());
            }
            awaitStopped();
            String log = log();
            assertTrue("the stop is logged:\n" + log, log.contains("Stopping: listeners closed; 1 tunnel(s) sent 1001"));
            home = null; // stopped: nothing for stopEverything to do
        }
    }

    /** Route name to the Gen column of proxy:routes. */
    private static Map<String, String> generations(String routes) {
        Map<String, String> gens = new java.util.TreeMap<>();
        List<String> lines = routes.lines().filter(l -> l.contains("|")).toList();
        List<String> header = List.of(lines.get(0).split("\\|")).stream().map(String::trim).toList();
        int name = header.indexOf("Name");
        int gen = header.indexOf("Gen");
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\\|");
            if (cells.length > gen && cells[gen].trim().matches("\\d+")) {
                gens.put(cells[name].trim(), cells[gen].trim());
            }
        }
        return gens;
    }

    private JMXConnector jmx(String user, String password) throws IOException {
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi://127.0.0.1:" + rmiServerPort + "/jndi/rmi://127.0.0.1:"
                + rmiRegistryPort + "/karaf-root");
        return JMXConnectorFactory.connect(url, Map.of(JMXConnector.CREDENTIALS, new String[] {user, password}));
    }

    // ------------------------------------------------------------------ backends and processes

    private HttpServer backend(String name) throws IOException {
        HttpServer server = namedBackend(name);
        backends.add(server);
        return server;
    }

    private String answers(int n) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            HttpResult r = RawHttp.exchange(listenerPort, "GET", "/rs/x", null);
            assertEquals(r.toString(), 200, r.status());
            s.append(r.body());
        }
        return s.toString();
    }
}
