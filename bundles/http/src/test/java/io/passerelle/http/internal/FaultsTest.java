package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.passerelle.api.ProxyStatus;
import io.passerelle.core.internal.status.CoreStatus;

/**
 * Faults on both sides (issue 10), each with its expected status or close, and no leak afterwards: the proxy's own
 * figures ({@code proxy:listeners} open connections, {@code proxy:tunnels}) go back to zero and the JVM's open
 * file descriptors to their baseline once the test's own sockets are closed. The faults: a backend refusing,
 * black-holing, resetting mid-body and mid-tunnel, answering garbage, closing after the head, answering before
 * the body ends; a client resetting mid-body and mid-tunnel, stalling its reads, half-closing.
 */
class FaultsTest {

    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(20);

    private ProxyHarness proxy;
    private ProxyStatus status;
    private long fdBaseline;

    private java.util.List<String> fdsBefore;

    @BeforeEach
    void start() throws Exception {
        // no keep-alive pool: an idle pooled connection is no leak, but it would hide one from the count
        proxy = new ProxyHarness(Map.of("pool.max.per.backend", "0"), Map.of());
        status = new CoreStatus(proxy.table, proxy.dispatcher, proxy.registry, proxy.tunnels);
        // one exchange first: what the core opens once and keeps (the connector's selector) is no leak
        try (OneShot warm = new OneShot(s -> {
            readHead(s.getInputStream());
            write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        })) {
            proxy.route("warm", "path", "/warm/", "url", warm.url());
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(200, c.send("GET /warm/ HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").read().status());
            }
            warm.done.get(20, TimeUnit.SECONDS);
        }
        fdBaseline = stableFdCount();
        fdsBefore = fdTargets();
    }

    /** The descriptor count once it has not moved for a quarter of a second. */
    private static long stableFdCount() throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        long last = openFds();
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(20);
            long now = openFds();
            if (now != last) {
                last = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(250)) {
                break;
            }
        }
        return last;
    }

    /** What each open descriptor points to, sockets with their TCP ports (for the message of a leak). */
    private static java.util.List<String> fdTargets() throws IOException {
        java.util.Map<String, String> tcp = new java.util.HashMap<>();
        for (String table : new String[] {"/proc/self/net/tcp", "/proc/self/net/tcp6"}) {
            for (String line : Files.readAllLines(Path.of(table)).subList(1, Files.readAllLines(Path.of(table)).size())) {
                String[] f = line.trim().split("\\s+");
                tcp.put(f[9], "tcp " + port(f[1]) + "->" + port(f[2]) + " state " + f[3]);
            }
        }
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        target = target + " " + tcp.getOrDefault(target.substring(8, target.length() - 1), "");
                    }
                    out.add(target);
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }

    private static int port(String hexAddress) {
        return Integer.parseInt(hexAddress.substring(hexAddress.indexOf(':') + 1), 16);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    private static long openFds() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    /** Once the test's own sockets are closed: no client connection, no tunnel, no descriptor left behind. */
    private void assertNoLeak(String what) throws Exception {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            long connections = status.listeners().stream().mapToLong(ProxyStatus.ListenerView::openConnections).sum();
            int tunnels = status.tunnels().size();
            long fds = openFds();
            if (connections == 0 && tunnels == 0 && fds <= fdBaseline) {
                return;
            }
            if (System.nanoTime() > deadline) {
                java.util.List<String> now = fdTargets();
                fdsBefore.forEach(now::remove);
                throw new AssertionError(what + ": left behind " + connections + " client connection(s), " + tunnels
                        + " tunnel(s), " + (fds - fdBaseline) + " file descriptor(s) over the baseline " + fdBaseline
                        + ": " + now + " (listed now: " + fdTargets().size() + ", before: " + fdsBefore.size() + ")");
            }
            TimeUnit.MILLISECONDS.sleep(20); // polling the figures with a deadline
        }
    }

    /** A backend on a loopback port that serves one connection with {@code behaviour}, then stops. */
    private static final class OneShot implements AutoCloseable {
        interface Behaviour {
            void serve(Socket s) throws Exception;
        }

        final ServerSocket server;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        OneShot(Behaviour behaviour) throws IOException {
            server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    behaviour.serve(s);
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            }, "faulty-backend");
            t.setDaemon(true);
            t.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/";
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) {
                break;
            }
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Closes with a TCP reset instead of a FIN. */
    private static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    // ------------------------------------------------------------------ backend faults

    @Test
    void aRefusingBackendIs503() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        proxy.route("f", "path", "/f/", "url", "http://127.0.0.1:" + port + "/");
        try (RawClient c = new RawClient(proxy.port)) {
            assertEquals(503, c.send("GET /f/x HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
        assertNoLeak("refusing backend");
    }

    @Test
    void aBlackHoleBackendIs504AfterTheRouteTimeout() throws Exception {
        try (OneShot hole = new OneShot(s -> {
            readHead(s.getInputStream());
            s.getInputStream().read(); // never answers; the proxy closes
        })) {
            proxy.route("f", "path", "/f/", "url", hole.url(), "timeout", "1s");
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(504, c.send("GET /f/x HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            }
            hole.done.get(20, TimeUnit.SECONDS);
        }
        assertNoLeak("black-hole backend");
    }

    @Test
    void aBackendResettingMidBodyEndsTheExchangeWith502() throws Exception {
        try (OneShot b = new OneShot(s -> {
            InputStream in = s.getInputStream();
            readHead(in);
            in.readNBytes(1000);
            reset(s);
        })) {
            proxy.route("f", "path", "/f/", "url", b.url());
            try (RawClient c = new RawClient(proxy.port)) {
                c.send("POST /f/x HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n");
                c.send(new byte[2000]);
                RawClient.Response r = c.read();
                assertEquals(502, r.status());
                assertTrue(c.closedByPeer(), "a body not read closes the connection");
            }
        }
        assertNoLeak("backend reset mid-body");
    }

    @Test
    void aBackendAnsweringGarbageIs502() throws Exception {
        try (OneShot b = new OneShot(s -> {
            readHead(s.getInputStream());
            write(s.getOutputStream(), "SSH-2.0-OpenSSH_9.2\r\n\r\n");
        })) {
            proxy.route("f", "path", "/f/", "url", b.url());
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(502, c.send("GET /f/x HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            }
        }
        assertNoLeak("garbage from the backend");
    }

    @Test
    void aBackendClosingAfterTheHeadTruncatesTheResponseAndClosesTheClient() throws Exception {
        try (OneShot b = new OneShot(s -> {
            readHead(s.getInputStream());
            write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial");
        })) {
            proxy.route("f", "path", "/f/", "url", b.url());
            try (RawClient c = new RawClient(proxy.port)) {
                c.socket.setSoTimeout(20_000);
                c.send("GET /f/x HTTP/1.1\r\nHost: h\r\n\r\n");
                byte[] all = c.socket.getInputStream().readAllBytes(); // ends: the proxy closed
                String text = new String(all, StandardCharsets.ISO_8859_1);
                assertTrue(text.startsWith("HTTP/1.1 200 OK") && text.endsWith("partial"), text);
            }
        }
        assertNoLeak("backend closing after the head");
    }

    @Test
    void aBackendAnsweringBeforeTheBodyEndsIsRelayed() throws Exception {
        try (OneShot b = new OneShot(s -> {
            readHead(s.getInputStream());
            write(s.getOutputStream(), "HTTP/1.1 413 Content Too Large\r\nContent-Length: 4\r\nConnection: close\r\n\r\nbig!");
        })) {
            proxy.route("f", "path", "/f/", "url", b.url());
            try (RawClient c = new RawClient(proxy.port)) {
                c.send("POST /f/x HTTP/1.1\r\nHost: h\r\nContent-Length: 10000000\r\n\r\n");
                c.send(new byte[1000]);
                RawClient.Response r = c.read();
                assertEquals(413, r.status());
                assertEquals("big!", r.text());
            }
        }
        assertNoLeak("backend answering before the body ends");
    }

    // ------------------------------------------------------------------ tunnels

    /** A backend that switches to a tunnel and echoes, or does what {@code inTunnel} says. */
    private OneShot upgrading(OneShot.Behaviour inTunnel) throws IOException {
        return new OneShot(s -> {
            readHead(s.getInputStream());
            write(s.getOutputStream(), "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
            inTunnel.serve(s);
        });
    }

    private RawClient openTunnel() throws IOException {
        RawClient c = new RawClient(proxy.port);
        c.send("GET /f/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertEquals(101, c.read(true).status());
        return c;
    }

    @Test
    void aBackendResettingMidTunnelClosesTheClientSide() throws Exception {
        try (OneShot b = upgrading(s -> {
            s.getInputStream().readNBytes(5);
            reset(s);
        })) {
            proxy.route("f", "path", "/f/", "url", b.url(), "upgrade", "websocket");
            try (RawClient c = openTunnel()) {
                c.send("hello");
                c.socket.setSoTimeout(20_000);
                assertTrue(c.closedByPeer(), "the tunnel's client side closes");
            }
        }
        assertNoLeak("backend reset mid-tunnel");
    }

    @Test
    void aClientResettingMidTunnelClosesTheBackendSide() throws Exception {
        CompletableFuture<Integer> backendSaw = new CompletableFuture<>();
        try (OneShot b = upgrading(s -> {
            InputStream in = s.getInputStream();
            in.readNBytes(5);
            try {
                backendSaw.complete(in.read());
            } catch (SocketException e) {
                backendSaw.complete(-1);
            }
        })) {
            proxy.route("f", "path", "/f/", "url", b.url(), "upgrade", "websocket");
            RawClient c = openTunnel();
            c.send("hello");
            reset(c.socket);
            assertEquals(-1, backendSaw.get(20, TimeUnit.SECONDS), "the backend side closes");
        }
        assertNoLeak("client reset mid-tunnel");
    }

    // ------------------------------------------------------------------ client faults

    @Test
    void aClientResettingMidBodyLeavesTheBackendATruncatedRequest() throws Exception {
        CompletableFuture<Integer> received = new CompletableFuture<>();
        try (OneShot b = new OneShot(s -> {
            InputStream in = s.getInputStream();
            readHead(in);
            byte[] body = in.readNBytes(100_000); // ends early: the proxy closed
            received.complete(body.length);
        })) {
            proxy.route("f", "path", "/f/", "url", b.url());
            RawClient c = new RawClient(proxy.port);
            c.send("POST /f/x HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n");
            c.send(new byte[3000]);
            long deadline = System.nanoTime() + WAIT_NANOS;
            while (status.routes().get(0).requests() == 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10); // until the exchange reached its route
            }
            reset(c.socket);
            int got = received.get(20, TimeUnit.SECONDS);
            assertTrue(got < 100_000, "the backend never receives a complete request: " + got);
        }
        assertNoLeak("client reset mid-body");
    }

    @Test
    void aClientThatStallsItsReadsAndLeavesCleansUp() throws Exception {
        AtomicLong sent = new AtomicLong();
        try (OneShot b = new OneShot(s -> {
            readHead(s.getInputStream());
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 1073741824\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            byte[] block = new byte[64 * 1024];
            try {
                while (sent.get() < 1073741824L) {
                    out.write(block);
                    sent.addAndGet(block.length);
                }
            } catch (IOException e) {
                // the proxy closed: the client went away
            }
        })) {
            proxy.route("f", "path", "/f/", "url", b.url());
            RawClient c = new RawClient(proxy.port);
            c.send("GET /f/x HTTP/1.1\r\nHost: h\r\n\r\n");
            long stalled = settle(sent);
            assertTrue(stalled < 64L * 1024 * 1024, "a client that does not read holds the backend back: " + stalled);
            c.close();
            b.done.get(20, TimeUnit.SECONDS);
        }
        assertNoLeak("client stalling its reads");
    }

    @Test
    void aClientThatHalfClosesStillGetsItsAnswer() throws Exception {
        try (OneShot b = new OneShot(s -> {
            readHead(s.getInputStream());
            write(s.getOutputStream(), "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        })) {
            proxy.route("f", "path", "/f/", "url", b.url());
            try (RawClient c = new RawClient(proxy.port)) {
                c.send("GET /f/x HTTP/1.1\r\nHost: h\r\n\r\n");
                c.socket.shutdownOutput();
                RawClient.Response r = c.read();
                assertEquals(200, r.status());
                assertArrayEquals("hello".getBytes(StandardCharsets.ISO_8859_1), r.body());
                assertTrue(c.closedByPeer(), "then the proxy closes");
            }
        }
        assertNoLeak("client half-closing");
    }

    /** Waits until the counter stops moving for half a second, within the deadline; its value. */
    private static long settle(AtomicLong counter) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        long last = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = counter.get();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(500)) {
                return now;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return counter.get();
    }
}
