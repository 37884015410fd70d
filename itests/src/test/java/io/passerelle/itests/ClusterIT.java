package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Test;

import com.sun.net.httpserver.HttpServer;

/**
 * Issue 12: three distributions on one machine, loopback only, each with its own ports, sharing their
 * configuration through {@code feature:install passerelle-cluster}. A route added, edited and removed on A serves
 * (or stops serving) on B within 10 s; a member drained from B's shell is drained on A; HTTP and a WebSocket pass
 * through every node; a member A's health check finds dead is out on B, which does not check it ({@code share.health}); with C killed (SIGKILL), A and B serve and agree on a change; C restarted comes back to the
 * same configuration. Twice, every socket of the cluster engines (listening or connected) is on 127.0.0.1 at both
 * ends and no JVM of the three has a UDP socket (no multicast), as {@code ss} shows.
 */
public class ClusterIT {

    /** Issue 12's bound for a change to reach another node. */
    private static final Duration PROPAGATION = Duration.ofSeconds(10);

    private final List<Node> nodes = new ArrayList<>();
    private final List<HttpServer> backends = new ArrayList<>();

    /** A distribution with its cluster port. */
    private static final class Node extends Distribution {
        final String name;
        final int clusterPort;

        Node(String name, int clusterPort) {
            this.name = name;
            this.clusterPort = clusterPort;
            this.readyPath = "/ready/";
        }

        Path etc(String file) {
            return home.resolve("etc").resolve(file);
        }

        long pid() throws IOException {
            return Long.parseLong(Files.readString(home.resolve("karaf.pid")).trim());
        }

        String get(String path) throws IOException {
            HttpResult r = RawHttp.exchange(listenerPort, "GET", path, null);
            return r.status() + " " + r.body();
        }
    }

    @After
    public void stopEverything() throws Exception {
        for (Node n : nodes) {
            if (n.home != null && n.status() == 0) {
                n.run(Duration.ofSeconds(60), "bin/stop");
            }
        }
        for (Node n : nodes) {
            if (n.home != null) {
                n.awaitStopped();
            }
        }
        backends.forEach(b -> b.stop(0));
    }

    @Test
    public void threeNodesShareRoutesAndMemberStateAndSurviveTheLossOfOne() throws Exception {
        HttpServer one = backend("one");
        HttpServer two = backend("two");
        HttpServer ready = backend("ready");
        try (WsEchoBackend ws = WsEchoBackend.echo("cluster")) {
            List<String> members = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                Node n = new Node(name, Distribution.freePort());
                members.add("127.0.0.1:" + n.clusterPort);
                nodes.add(n);
            }
            for (Node n : nodes) {
                n.unpack();
                // the same route on every node, to know when it serves (the cluster finds them equal)
                Files.writeString(n.etc("io.passerelle.route-ready.cfg"), "path = /ready/\nurl = " + url(ready) + "\n");
                // A keeps its own copy of the balancer "hc" (a health check that B's and C's copy lack)
                Files.writeString(n.etc("io.passerelle.cluster.cfg"), "node.name = " + n.name + "\nport = "
                        + n.clusterPort + "\nmembers = " + String.join(", ", members) + "\nshare.health = true\n"
                        + (n.name.equals("a") ? "local.files = io.passerelle.listener-*.cfg, io.passerelle.balancer-hc.cfg\n" : ""));
                n.run(Duration.ofSeconds(60), "bin/start");
            }
            for (Node n : nodes) {
                n.awaitServing();
                n.client("feature:install passerelle-cluster");
            }
            Node a = nodes.get(0);
            Node b = nodes.get(1);
            Node c = nodes.get(2);
            for (Node n : nodes) {
                await(n.name + " sees three members", Duration.ofSeconds(60),
                        () -> n.client("proxy:routes").contains("in cluster passerelle with 3 members"));
            }
            assertLoopbackOnly();

            // a route added on A serves on B
            long t0 = System.nanoTime();
            Files.writeString(a.etc("io.passerelle.route-shared.cfg"), "path = /shared/\nurl = " + url(one) + "\n");
            await("the route added on A serves on B", PROPAGATION, () -> b.get("/shared/").equals("200 one"));
            System.out.printf("ClusterIT: a route file added on node a served on node b after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            assertEquals("the file itself is on B", Files.readString(a.etc("io.passerelle.route-shared.cfg")),
                    Files.readString(b.etc("io.passerelle.route-shared.cfg")));
            // edited
            t0 = System.nanoTime();
            Files.writeString(a.etc("io.passerelle.route-shared.cfg"), "path = /shared/\nurl = " + url(two) + "\n");
            await("the edit on A serves on B", PROPAGATION, () -> b.get("/shared/").equals("200 two"));
            System.out.printf("ClusterIT: an edit on node a served on node b after %d ms%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            // removed
            Files.delete(a.etc("io.passerelle.route-shared.cfg"));
            await("the removal on A ends the route on B", PROPAGATION, () -> b.get("/shared/").startsWith("404 "));
            await("and the file is gone from C", PROPAGATION, () -> !Files.exists(c.etc("io.passerelle.route-shared.cfg")));

            // HTTP through a balancer and a WebSocket, through every node
            Files.writeString(a.etc("io.passerelle.balancer-pool.cfg"),
                    "members = " + url(one) + " route=one, " + url(two) + " route=two\n");
            Files.writeString(a.etc("io.passerelle.route-pool.cfg"), "path = /pool/\nurl = balancer://pool/\n");
            Files.writeString(a.etc("io.passerelle.route-ws.cfg"), "path = /ws/\nurl = " + ws.url() + "\n");
            for (Node n : nodes) {
                await("the balancer serves on " + n.name, PROPAGATION, () -> n.get("/pool/").startsWith("200 "));
                await("the WebSocket route is on " + n.name, PROPAGATION,
                        () -> n.client("proxy:routes ws").contains(ws.url()));
                try (RawWebSocket tunnel = RawWebSocket.open(n.listenerPort, "/ws/", 0, 10_000)) {
                    assertEquals(101, tunnel.status());
                    tunnel.sendText("through " + n.name);
                    assertEquals("through " + n.name, new String(tunnel.readFrame().payload(), UTF_8));
                }
            }

            // a member drained from B's shell is drained on A (and on C)
            b.client("proxy:balancer-member --drain pool one");
            for (Node n : List.of(a, c)) {
                await("the drain on B shows on " + n.name, PROPAGATION,
                        () -> memberRow(n.client("proxy:balancers pool"), "one").contains("Drn"));
            }
            b.client("proxy:balancer-member --disable pool two");
            await("the disable on B shows on A", PROPAGATION,
                    () -> memberRow(a.client("proxy:balancers pool"), "two").contains("Dis"));
            b.client("proxy:balancer-member --enable pool two");
            await("the enable on B shows on A", PROPAGATION,
                    () -> memberRow(a.client("proxy:balancers pool"), "two").contains("Ok"));

            // a member found dead by A's health check is out on B, which does not check it
            HttpServer sick = backend("sick", 503);
            String hcMembers = "members = " + url(sick) + " route=sick, " + url(two) + " route=two\n";
            Files.writeString(b.etc("io.passerelle.balancer-hc.cfg"), hcMembers);
            Files.writeString(a.etc("io.passerelle.balancer-hc.cfg"), hcMembers + "hc.method = GET\nhc.interval = 200ms\n");
            Files.writeString(b.etc("io.passerelle.route-hc.cfg"), "path = /hc/\nurl = balancer://hc/\n");
            await("A's check holds sick down on B", PROPAGATION, () -> memberRow(b.client("proxy:balancers hc"), "sick")
                    .matches(".*HcFl.*down \\(node a\\).*"));
            await("and on C", PROPAGATION, () -> memberRow(c.client("proxy:balancers hc"), "sick").contains("HcFl"));
            String rowA = memberRow(a.client("proxy:balancers hc"), "sick");
            assertTrue("A's own verdict: " + rowA, rowA.contains("HcFl") && rowA.contains("down") && !rowA.contains("(node"));
            await("B serves its route /hc/", PROPAGATION, () -> b.get("/hc/").equals("200 two"));
            for (int i = 0; i < 6; i++) {
                assertEquals("B sends nothing to the member A found dead", "200 two", b.get("/hc/"));
            }
            assertFalse("B's own copy has no health check", Files.readString(b.etc("io.passerelle.balancer-hc.cfg"))
                    .contains("hc.method"));

            // C killed: A and B serve and agree
            long cPid = c.pid();
            ProcessHandle.of(cPid).ifPresent(ProcessHandle::destroyForcibly);
            await("C is gone", Duration.ofSeconds(30), () -> ProcessHandle.of(cPid).isEmpty());
            await("A sees two members", Duration.ofSeconds(60),
                    () -> a.client("proxy:routes").contains("in cluster passerelle with 2 members"));
            Files.writeString(b.etc("io.passerelle.route-after.cfg"), "path = /after/\nurl = " + url(two) + "\n");
            await("a change on B while C is away serves on A", PROPAGATION, () -> a.get("/after/").equals("200 two"));
            // B's own file watcher may take longer than the cluster and A's: both must serve it
            await("B serves its own change", PROPAGATION, () -> b.get("/after/").equals("200 two"));
            assertTrue(a.get("/pool/").startsWith("200 "));
            assertTrue(b.get("/pool/").startsWith("200 "));

            // C restarted: back to the same configuration
            c.run(Duration.ofSeconds(60), "bin/start");
            c.awaitServing();
            await("C back in the cluster", Duration.ofSeconds(60),
                    () -> c.client("proxy:routes").contains("in cluster passerelle with 3 members"));
            await("C serves what changed while it was away", PROPAGATION, () -> c.get("/after/").equals("200 two"));
            for (String file : List.of("io.passerelle.route-after.cfg", "io.passerelle.balancer-pool.cfg",
                    "io.passerelle.route-pool.cfg", "io.passerelle.route-ws.cfg")) {
                await(file + " on C as on A", PROPAGATION,
                        () -> Files.readString(a.etc(file)).equals(Files.readString(c.etc(file))));
            }
            await("C has the drained member", PROPAGATION,
                    () -> memberRow(c.client("proxy:balancers pool"), "one").contains("Drn"));
            assertLoopbackOnly();
        }
    }

    /** The row of proxy:balancers whose Route cell is {@code route}. */
    private static String memberRow(String table, String route) {
        return table.lines().filter(l -> l.contains("| " + route + " ")).findFirst().orElse("");
    }

    /**
     * {@code ss}: every TCP socket of the three JVMs that has a cluster port at either end (the engines'
     * listening sockets and their connections to each other) is bound to and connected to 127.0.0.1 only, each
     * engine listens once, and none of the three JVMs has a UDP socket (no multicast).
     */
    private void assertLoopbackOnly() throws Exception {
        String tcp = Distribution.exec(Path.of("."), Duration.ofSeconds(30), "ss", "-Htanp");
        String udp = Distribution.exec(Path.of("."), Duration.ofSeconds(30), "ss", "-Hualnp");
        List<Integer> clusterPorts = nodes.stream().map(n -> n.clusterPort).toList();
        Pattern endpoint = Pattern.compile("(\\S+):(\\d+)");
        for (Node n : nodes) {
            if (n.home == null || n.status() != 0) {
                continue;
            }
            String pid = "pid=" + n.pid() + ",";
            int listening = 0;
            int engineSockets = 0;
            for (String line : tcp.lines().filter(l -> l.contains(pid)).toList()) {
                String[] cells = line.trim().split("\\s+");
                // State Recv-Q Send-Q Local Peer Process
                Matcher local = endpoint.matcher(cells[3]);
                Matcher peer = endpoint.matcher(cells[4]);
                if (!local.matches()) {
                    continue;
                }
                boolean connected = peer.matches(); // a listening socket's peer is "*"
                boolean engine = clusterPorts.contains(Integer.parseInt(local.group(2)))
                        || (connected && clusterPorts.contains(Integer.parseInt(peer.group(2))));
                if (!engine) {
                    continue;
                }
                engineSockets++;
                if (cells[0].equals("LISTEN") && Integer.parseInt(local.group(2)) == n.clusterPort) {
                    listening++;
                }
                assertTrue(n.name + ": a cluster socket off loopback: " + line, loopback(local.group(1))
                        && (!connected || loopback(peer.group(1))));
            }
            assertEquals(n.name + "'s cluster engine listens once:\n" + tcp, 1, listening);
            assertTrue(n.name + "'s engine talks to the others:\n" + tcp, engineSockets > 1);
            assertTrue(n.name + " has no UDP socket:\n" + udp, udp.lines().noneMatch(l -> l.contains(pid)));
        }
    }

    private static boolean loopback(String address) {
        return address.equals("127.0.0.1") || address.equals("[::ffff:127.0.0.1]");
    }

    private HttpServer backend(String name) throws IOException {
        return backend(name, 200);
    }

    private HttpServer backend(String name, int status) throws IOException {
        HttpServer s = Distribution.namedBackend(name, status);
        backends.add(s);
        return s;
    }

    private static String url(HttpServer s) {
        return "http://127.0.0.1:" + s.getAddress().getPort() + "/";
    }

    private static void await(String what, Duration within, Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (IOException | AssertionError e) {
                last = e instanceof IOException io ? io : new IOException(e);
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new AssertionError("not within " + within + ": " + what + (last == null ? "" : " (last: " + last + ")"));
    }
}
