package io.passerelle.cluster.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two and three real members on loopback, each with its own etc/ and data/: files added, edited and removed on one
 * node reach the others; a node that leaves and comes back takes what changed meanwhile and gives what it changed
 * itself; a new node takes the cluster's copy over its own defaults.
 */
class ClusterNodeTest {

    @TempDir
    Path tmp;

    private final List<ClusterNode> nodes = new ArrayList<>();
    private final List<String> members = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(ClusterNode::stop);
    }

    @Test
    void filesAddedEditedAndRemovedOnOneNodeReachTheOthersAndLocalFilesStay() throws Exception {
        int pa = freePort();
        int pb = freePort();
        members.addAll(List.of("127.0.0.1:" + pa, "127.0.0.1:" + pb));
        Path a = etc("a");
        Path b = etc("b");
        write(a, "io.passerelle.listener-main.cfg", "port = 8080\n");
        write(b, "io.passerelle.listener-main.cfg", "port = 8081\n");
        ClusterNode na = node("a", pa);
        ClusterNode nb = node("b", pb);
        await("both in the cluster", () -> na.inCluster() && nb.inCluster());

        write(a, "io.passerelle.route-x.cfg", "path = /x\nurl = http://127.0.0.1:1/\n");
        await("the route reaches b", () -> "path = /x\nurl = http://127.0.0.1:1/\n".equals(read(b, "io.passerelle.route-x.cfg")));
        write(b, "io.passerelle.route-x.cfg", "path = /y\nurl = http://127.0.0.1:1/\n");
        await("b's edit reaches a", () -> "path = /y\nurl = http://127.0.0.1:1/\n".equals(read(a, "io.passerelle.route-x.cfg")));
        Files.delete(a.resolve("io.passerelle.route-x.cfg"));
        await("a's removal reaches b", () -> !Files.exists(b.resolve("io.passerelle.route-x.cfg")));

        assertEquals("port = 8080\n", read(a, "io.passerelle.listener-main.cfg"));
        assertEquals("port = 8081\n", read(b, "io.passerelle.listener-main.cfg"));
        assertEquals(2, na.members().size());
        assertTrue(na.describe().contains("in cluster test with 2 members"), na.describe());
    }

    @Test
    void aNodeComingBackTakesWhatChangedMeanwhileGivesWhatItChangedAndANewNodeTakesTheClustersCopy() throws Exception {
        int pa = freePort();
        int pb = freePort();
        int pc = freePort();
        members.addAll(List.of("127.0.0.1:" + pa, "127.0.0.1:" + pb, "127.0.0.1:" + pc));
        Path a = etc("a");
        Path b = etc("b");
        write(a, "io.passerelle.route-one.cfg", "path = /one\n");
        write(a, "io.passerelle.route-two.cfg", "path = /two\n");
        write(a, "io.passerelle.route-three.cfg", "path = /three\n");
        ClusterNode na = node("a", pa);
        ClusterNode nb = node("b", pb);
        await("b has a's files", () -> "path = /three\n".equals(read(b, "io.passerelle.route-three.cfg")));

        nb.stop();
        nodes.remove(nb);
        await("a alone", () -> !na.inCluster());
        // while b is away: a edits one and removes two; b edits three (later than anything a did)
        write(a, "io.passerelle.route-one.cfg", "path = /one-edited\n");
        Files.delete(a.resolve("io.passerelle.route-two.cfg"));
        TimeUnit.MILLISECONDS.sleep(1_500); // a publishes both
        write(b, "io.passerelle.route-three.cfg", "path = /three-from-b\n");
        Files.setLastModifiedTime(b.resolve("io.passerelle.route-three.cfg"),
                FileTime.fromMillis(System.currentTimeMillis() + 1_000));

        node("b", pb);
        await("b takes a's edit", () -> "path = /one-edited\n".equals(read(b, "io.passerelle.route-one.cfg")));
        await("b takes a's removal", () -> !Files.exists(b.resolve("io.passerelle.route-two.cfg")));
        await("a takes b's later edit", () -> "path = /three-from-b\n".equals(read(a, "io.passerelle.route-three.cfg")));

        // a new node with a default file of its own: the cluster's copy wins
        Path c = etc("c");
        write(c, "io.passerelle.route-one.cfg", "path = /one-default\n");
        write(c, "io.passerelle.route-c.cfg", "path = /c\n");
        node("c", pc);
        await("c takes the cluster's copy", () -> "path = /one-edited\n".equals(read(c, "io.passerelle.route-one.cfg")));
        await("c gives what the cluster lacks", () -> "path = /c\n".equals(read(a, "io.passerelle.route-c.cfg")));
        assertEquals("path = /three-from-b\n", read(c, "io.passerelle.route-three.cfg"));
        assertFalse(Files.exists(c.resolve("io.passerelle.route-two.cfg")));
    }

    @Test
    void aMemberHeldDownByOneNodesHealthCheckIsDownOnTheOtherUntilItPassesOrThatNodeLeaves() throws Exception {
        int pa = freePort();
        int pb = freePort();
        members.addAll(List.of("127.0.0.1:" + pa, "127.0.0.1:" + pb));
        etc("a");
        etc("b");
        ClusterNode na = node("a", pa);
        ClusterNode nb = node("b", pb);
        await("both in the cluster", () -> na.inCluster() && nb.inCluster());
        String member = "http://127.0.0.1:9/";

        na.health().verdict("pool", member, true);
        await("b sees a's verdict", () -> "a".equals(nb.health().heldDownBy("pool", member)));
        assertEquals(null, na.health().heldDownBy("pool", member), "a's own verdict is not 'elsewhere' for a");
        assertEquals(null, nb.health().heldDownBy("other", member));
        na.health().verdict("pool", member, false);
        await("a's check passes again: up on b", () -> nb.health().heldDownBy("pool", member) == null);

        na.health().verdict("pool", member, true);
        await("down again on b", () -> "a".equals(nb.health().heldDownBy("pool", member)));
        na.stop();
        nodes.remove(na);
        await("a left: its verdict no longer counts on b", () -> nb.health().heldDownBy("pool", member) == null);
    }

    // ---- helpers

    private ClusterNode node(String name, int port) {
        ClusterSettings s = new ClusterSettings(name, "test", "127.0.0.1", port, members,
                List.of("io.passerelle.listener-*.cfg"), 100, true);
        ClusterNode n = new ClusterNode(s, tmp.resolve(name + "/etc"), tmp.resolve(name + "/data"));
        n.start();
        nodes.add(n);
        return n;
    }

    private Path etc(String name) throws IOException {
        return Files.createDirectories(tmp.resolve(name + "/etc"));
    }

    private static void write(Path dir, String name, String text) throws IOException {
        Files.writeString(dir.resolve(name), text, UTF_8);
    }

    private static String read(Path dir, String name) {
        try {
            return Files.readString(dir.resolve(name), UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
