package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * Promises the README makes in "Behaviour decided where the SPEC is silent" and in the route keys, each checked
 * end to end on loopback sockets against the real core and this module: the retry on a stale pooled connection,
 * bare LF in heads, the close after a request body that was not read, {@code reverse} (ProxyPassReverse), and
 * {@code tls.truststore} re-read when its file changes.
 */
class ReadmePromisesTest {

    private ProxyHarness proxy;
    private final java.util.List<AutoCloseable> closing = new java.util.ArrayList<>();

    @BeforeEach
    void start() {
        proxy = new ProxyHarness();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private <T extends AutoCloseable> T closeLater(T c) {
        closing.add(c);
        return c;
    }

    private static String target(TestBackend.Received r) {
        return r.requestLine().split(" ")[1];
    }

    /** What the backend received, in order: request line and the number of the backend connection it came on. */
    private static List<String> seen(TestBackend b) {
        return b.received.stream().map(r -> r.requestLine() + " @" + r.connection()).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    // ------------------------------------------------------------------ retry on a stale pooled connection

    /**
     * The backend takes the second request on the pooled connection and closes it without a response byte (what
     * a keep-alive timeout that fires just as the request arrives looks like): the proxy must resend the bodiless
     * request once on a new connection and the client never sees the failure. Without the retry this is a 502.
     */
    @Test
    void aBodilessRequestMeetingAStalePooledConnectionIsRetriedOnceOnANewConnection() throws Exception {
        TestBackend backend = closeLater(new TestBackend(r -> {
            if (target(r).equals("/second") && r.connection() == 1) {
                return null; // read the head on the pooled connection, then close without answering
            }
            return TestBackend.ok("fresh " + target(r) + " on " + r.connection());
        }));
        proxy.route("r", "path", "/r/", "url", backend.url());
        try (RawClient c = new RawClient(proxy.port)) {
            assertEquals("fresh /first on 1", c.send("GET /r/first HTTP/1.1\r\nHost: h\r\n\r\n").read().text());
            RawClient.Response r = c.send("GET /r/second HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("fresh /second on 2", r.text());
        }
        assertEquals(List.of("GET /first HTTP/1.1 @1", "GET /second HTTP/1.1 @1", "GET /second HTTP/1.1 @2"),
                seen(backend));
        assertEquals(2, backend.connections.get());
    }

    /** Once, not more: when the fresh connection also closes before any response byte, the client gets a 502. */
    @Test
    void theRetryHappensOnlyOnce() throws Exception {
        TestBackend backend = closeLater(new TestBackend(
                r -> target(r).equals("/second") ? null : TestBackend.ok("fresh " + target(r) + " on " + r.connection())));
        proxy.route("r", "path", "/r/", "url", backend.url());
        try (RawClient c = new RawClient(proxy.port)) {
            assertEquals("fresh /first on 1", c.send("GET /r/first HTTP/1.1\r\nHost: h\r\n\r\n").read().text());
            RawClient.Response r = c.send("GET /r/second HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals(502, r.status());
            assertEquals("502 Bad Gateway\n", r.text());
        }
        assertEquals(List.of("GET /first HTTP/1.1 @1", "GET /second HTTP/1.1 @1", "GET /second HTTP/1.1 @2"),
                seen(backend));
        assertEquals(2, backend.connections.get());
    }

    /**
     * A request with a body is never sent twice: the backend received it (head and body) on the stale connection
     * and closed without answering; the proxy answers 502 ({@code ProxyExchange.onError}: no retry when the
     * request body is not empty) and opens no second connection for it. The client connection goes on.
     */
    @Test
    void aRequestWithABodyMeetingAStalePooledConnectionIs502AndNotResent() throws Exception {
        TestBackend backend = closeLater(new TestBackend(r -> {
            if (target(r).equals("/post") && r.connection() == 1) {
                return null;
            }
            return TestBackend.ok("fresh " + target(r) + " on " + r.connection());
        }));
        proxy.route("r", "path", "/r/", "url", backend.url());
        try (RawClient c = new RawClient(proxy.port)) {
            assertEquals("fresh /first on 1", c.send("GET /r/first HTTP/1.1\r\nHost: h\r\n\r\n").read().text());
            RawClient.Response r = c.send("POST /r/post HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello").read();
            assertEquals(502, r.status());
            assertEquals("502 Bad Gateway\n", r.text());
            assertNull(r.header("Connection"), "the body was read: the client connection stays open");
            assertEquals(List.of("GET /first HTTP/1.1 @1", "POST /post HTTP/1.1 @1"), seen(backend));
            assertEquals(1, backend.connections.get(), "no new connection was opened to resend the POST");
            // the same client connection is still usable; its next request needs a new backend connection
            assertEquals("fresh /after on 2", c.send("GET /r/after HTTP/1.1\r\nHost: h\r\n\r\n").read().text());
        }
        assertEquals(List.of("GET /first HTTP/1.1 @1", "POST /post HTTP/1.1 @1", "GET /after HTTP/1.1 @2"),
                seen(backend));
        TestBackend.Received post = backend.received.stream().filter(x -> x.requestLine().startsWith("POST")).findFirst()
                .orElseThrow();
        assertEquals("hello", new String(post.body(), StandardCharsets.ISO_8859_1));
        assertEquals(2, backend.connections.get());
    }

    /**
     * The backend closes its idle keep-alive connection (FIN after a complete response, no {@code Connection:
     * close}); the next request is sent once the backend's socket is closed. Whether the proxy has already seen
     * the FIN (the pooled connection leaves the pool) or not yet (it is taken, fails before any response byte and
     * the retry applies), the client gets a 200 from a second backend connection.
     */
    @Test
    void aPooledConnectionTheBackendClosedWhileIdleNeverCostsTheClientAnError() throws Exception {
        CountDownLatch firstClosed = new CountDownLatch(1);
        AtomicInteger accepted = new AtomicInteger();
        ServerSocket server = closeLater(new ServerSocket(0, 16, InetAddress.getLoopbackAddress()));
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    int n = accepted.incrementAndGet();
                    Thread t = new Thread(() -> {
                        try (s) {
                            InputStream in = s.getInputStream();
                            OutputStream out = s.getOutputStream();
                            if (n == 1) {
                                readHead(in);
                                out.write(TestBackend.ok("first"));
                                out.flush();
                                s.close(); // idle close, as a backend's keep-alive timeout does
                                firstClosed.countDown();
                                return;
                            }
                            while (readHead(in) != null) {
                                out.write(TestBackend.ok("fresh on " + n));
                                out.flush();
                            }
                        } catch (IOException e) {
                            // gone
                        }
                    }, "idle-closing-backend-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "idle-closing-backend");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy.route("r", "path", "/r/", "url", "http://127.0.0.1:" + server.getLocalPort() + "/");
        try (RawClient c = new RawClient(proxy.port)) {
            assertEquals("first", c.send("GET /r/a HTTP/1.1\r\nHost: h\r\n\r\n").read().text());
            assertTrue(firstClosed.await(10, TimeUnit.SECONDS), "the backend closed its side");
            RawClient.Response r = c.send("GET /r/b HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("fresh on 2", r.text());
        }
        assertEquals(2, accepted.get());
    }

    // ------------------------------------------------------------------ bare LF, lone CR

    /**
     * Request heads whose lines end with a bare LF are taken, and the backend receives a canonical CRLF head (the
     * body starts right after the bare-LF blank line); the connection stays in sync for the next request.
     */
    @Test
    void aRequestHeadWithBareLfIsForwardedWithACanonicalCrlfHead() throws Exception {
        TestBackend backend = closeLater(new TestBackend(r -> TestBackend.ok("saw " + target(r) + " "
                + new String(r.body(), StandardCharsets.ISO_8859_1))));
        proxy.route("lf", "path", "/lf/", "url", backend.url(), "add.headers", "false");
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send("GET /lf/a HTTP/1.1\nHost: front\nX-A: 1\n\n").read();
            assertEquals(200, r.status());
            assertEquals("saw /a ", r.text());
            // mixed endings, and a body right after the bare-LF blank line
            r = c.send("POST /lf/p HTTP/1.1\r\nHost: front\nContent-Length: 5\n\nhello").read();
            assertEquals(200, r.status());
            assertEquals("saw /p hello", r.text());
        }
        String authority = "127.0.0.1:" + backend.port();
        assertEquals(List.of(
                "GET /a HTTP/1.1\r\nX-A: 1\r\nHost: " + authority + "\r\nVia: 1.1 passerelle",
                "POST /p HTTP/1.1\r\nHost: " + authority + "\r\nContent-Length: 5\r\nVia: 1.1 passerelle"),
                List.copyOf(backend.rawHeads));
        assertEquals(1, backend.connections.get());
    }

    /** A CR not followed by LF, in the request line or in a field, is a 400 that closes; nothing reaches a backend. */
    @Test
    void aLoneCrInARequestHeadIs400AndReachesNoBackend() throws Exception {
        TestBackend backend = closeLater(new TestBackend(r -> TestBackend.ok("should not be here")));
        proxy.route("lf", "path", "/lf/", "url", backend.url());
        for (String request : new String[] {
                "GET /lf/a HTTP/1.1\r\nHost: h\r\nX-A: a\rb\r\n\r\n",
                "GET /lf/a\rb HTTP/1.1\r\nHost: h\r\n\r\n",
                "GET /lf/a HTTP/1.1\r\nHost: h\r\nX-A: a\r\r\n\r\n",
                "GET /lf/a HTTP/1.1\r\nHost: h\r\n\r\r\n"}) {
            try (RawClient c = new RawClient(proxy.port)) {
                RawClient.Response r = c.send(request).read();
                String what = request.replace("\r", "<CR>").replace("\n", "<LF>");
                assertEquals(400, r.status(), what);
                assertEquals("close", r.header("Connection"), what);
                assertEquals("400 Bad Request\n", r.text(), what);
                assertTrue(c.closedByPeer(), what);
            }
        }
        assertEquals(0, backend.connections.get());
        assertTrue(backend.received.isEmpty());
    }

    /** A backend's response head with bare LF line ends reaches the client as a canonical CRLF head. */
    @Test
    void aResponseHeadWithBareLfIsRelayedWithACanonicalCrlfHead() throws Exception {
        TestBackend backend = closeLater(new TestBackend(r -> bytes("HTTP/1.1 200 OK\nContent-Length: 2\nX-B: yes\n\nok")));
        proxy.route("lf", "path", "/lf/", "url", backend.url());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port)) {
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            for (int i = 0; i < 2; i++) {
                s.getOutputStream().write(bytes("GET /lf/x HTTP/1.1\r\nHost: h\r\n\r\n"));
                assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-B: yes\r\nVia: 1.1 passerelle\r\n\r\n",
                        readHead(in));
                assertEquals("ok", new String(in.readNBytes(2), StandardCharsets.ISO_8859_1));
            }
        }
        // the bare-LF response was framed exactly: the backend connection was reused for the second request
        assertEquals(1, backend.connections.get());
    }

    // ------------------------------------------------------------------ a body that was not read

    /**
     * A request whose body was not read (404, no route; 503, its backend refuses) closes the connection right
     * after the response, with {@code Connection: close} (the proxy's own errors say so when the connection
     * closes), without waiting for the 100000 body bytes the client never sends. A bodiless 404 keeps it open.
     */
    @Test
    void aRequestWhoseBodyWasNotReadClosesTheConnectionAfterTheResponse() throws Exception {
        int refusing;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            refusing = closed.getLocalPort();
        }
        proxy.route("down", "path", "/down/", "url", "http://127.0.0.1:" + refusing + "/");
        for (String[] c : new String[][] {{"/nowhere", "404", "404 Not Found\n"},
                {"/down/x", "503", "503 Service Unavailable\n"}}) {
            try (RawClient client = new RawClient(proxy.port)) {
                RawClient.Response r = client.send("POST " + c[0] + " HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\n")
                        .read();
                assertEquals(Integer.parseInt(c[1]), r.status(), c[0]);
                assertEquals(c[2], r.text(), c[0]);
                assertEquals("close", r.header("Connection"), c[0]);
                assertTrue(client.closedByPeer(), c[0] + ": closed, not waiting for the body");
            }
        }
        // the same answers to bodiless requests keep the connection
        try (RawClient client = new RawClient(proxy.port)) {
            for (int i = 0; i < 2; i++) {
                RawClient.Response r = client.send("GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\n").read();
                assertEquals(404, r.status());
                assertNull(r.header("Connection"));
            }
            RawClient.Response r = client.send("GET /down/x HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals(503, r.status());
            assertNull(r.header("Connection"));
            assertEquals(404, client.send("GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
    }

    // ------------------------------------------------------------------ reverse (ProxyPassReverse)

    @Test
    void reverseMapsLocationContentLocationAndUriBackToTheFront() throws Exception {
        int[] port = new int[1];
        TestBackend backend = closeLater(new TestBackend(r -> {
            String base = "http://127.0.0.1:" + port[0];
            boolean elsewhere = target(r).startsWith("/app/elsewhere");
            String head = elsewhere
                    ? "Location: http://other.example/app/x\r\nContent-Location: " + base + "/apples\r\n"
                            + "URI: http://127.0.0.1:" + (port[0] + 1) + "/app/z\r\n"
                    : "Location: " + base + "/app/x\r\nContent-Location: " + base + "/app/y\r\nURI: " + base + "/app/z\r\n";
            return bytes("HTTP/1.1 302 Found\r\n" + head + "Content-Length: 0\r\n\r\n");
        }));
        port[0] = backend.port();
        String base = "http://127.0.0.1:" + backend.port();
        proxy.route("front", "path", "/front/", "url", base + "/app/");
        proxy.route("plain", "path", "/plain/", "url", base + "/app/", "reverse", "false");
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send("GET /front/q HTTP/1.1\r\nHost: front.example:8080\r\n\r\n").read();
            assertEquals(302, r.status());
            // the client's scheme and Host, the route's path in place of the backend URL
            assertEquals("http://front.example:8080/front/x", r.header("Location"));
            assertEquals("http://front.example:8080/front/y", r.header("Content-Location"));
            assertEquals("http://front.example:8080/front/z", r.header("URI"));

            // values not under the route's URL are left as they are
            r = c.send("GET /front/elsewhere HTTP/1.1\r\nHost: front.example:8080\r\n\r\n").read();
            assertEquals("http://other.example/app/x", r.header("Location"));
            assertEquals(base + "/apples", r.header("Content-Location"));
            assertEquals("http://127.0.0.1:" + (backend.port() + 1) + "/app/z", r.header("URI"));

            // reverse = false: untouched
            r = c.send("GET /plain/q HTTP/1.1\r\nHost: front.example:8080\r\n\r\n").read();
            assertEquals(base + "/app/x", r.header("Location"));
            assertEquals(base + "/app/y", r.header("Content-Location"));
            assertEquals(base + "/app/z", r.header("URI"));
        }
        // without a Host (HTTP/1.0), the address the client reached
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send("GET /front/q HTTP/1.0\r\n\r\n").read();
            assertEquals("http://127.0.0.1:" + proxy.port + "/front/x", r.header("Location"));
            assertEquals("http://127.0.0.1:" + proxy.port + "/front/y", r.header("Content-Location"));
            assertEquals("http://127.0.0.1:" + proxy.port + "/front/z", r.header("URI"));
        }
        assertEquals(List.of("GET /app/q HTTP/1.1", "GET /app/elsewhere HTTP/1.1", "GET /app/q HTTP/1.1",
                "GET /app/q HTTP/1.1"), backend.received.stream().map(TestBackend.Received::requestLine).toList());
    }

    // ------------------------------------------------------------------ tls.truststore re-read

    /**
     * {@code tls.truststore} is read again when its file changes ({@code TlsContexts.get} compares the file's
     * modification time on every new backend connection; there is no polling interval): a backend the store does
     * not trust is a 502; once the file holds its certificate the very next request is a 200, and once it no
     * longer does, a 502 again, with the route's configuration untouched. No keep-alive pool, so that every
     * request makes a new TLS connection.
     */
    @Test
    void theTrustStoreIsReadAgainWhenItsFileChanges(@TempDir Path dir) throws Exception {
        proxy.close();
        proxy = new ProxyHarness(Map.of("pool.max.per.backend", "0"), Map.of());
        Path backendKeys = dir.resolve("backend.p12");
        Path otherKeys = dir.resolve("other.p12");
        keytool("-genkeypair", "-keystore", backendKeys.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit", "-alias", "backend", "-keyalg", "EC", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-validity", "2");
        keytool("-genkeypair", "-keystore", otherKeys.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit", "-alias", "other", "-keyalg", "EC", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-validity", "2");
        KeyStore backendStore = load(backendKeys);
        byte[] trustsBackend = trustStore(backendStore.getCertificate("backend"));
        byte[] trustsOther = trustStore(load(otherKeys).getCertificate("other"));

        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(backendStore, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 16);
        closeLater(() -> server.stop(0));
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", exchange -> {
            byte[] body = bytes("tls backend saw " + exchange.getRequestURI());
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();

        Path trust = dir.resolve("trust.p12");
        Files.write(trust, trustsOther);
        proxy.route("s", "path", "/s/", "url", "https://localhost:" + server.getAddress().getPort() + "/",
                "tls.truststore", trust.toString(), "tls.truststore.password", "changeit");

        assertEquals("502", get("/s/x").substring(0, 3), "a certificate the trust store does not hold");
        assertEquals("502", get("/s/x").substring(0, 3), "still: the file did not change");

        replace(trust, trustsBackend);
        assertEquals("200 tls backend saw /x", get("/s/x"), "the changed file is read for the next connection");
        assertEquals("200 tls backend saw /y", get("/s/y"));

        replace(trust, trustsOther);
        assertEquals("502", get("/s/z").substring(0, 3), "and again when it changes back");
    }

    private String get(String path) throws IOException {
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
            return r.status() + " " + r.text();
        }
    }

    /** Overwrites the file in place; its modification time is then another one (as any later write's would be). */
    private static void replace(Path file, byte[] content) throws IOException {
        FileTime before = Files.getLastModifiedTime(file);
        Files.write(file, content);
        if (Files.getLastModifiedTime(file).equals(before)) {
            // a file system whose clock is coarser than the time between two writes of this test
            Files.setLastModifiedTime(file, FileTime.fromMillis(before.toMillis() + 2000));
        }
        assertNotEquals(before, Files.getLastModifiedTime(file));
    }

    private static void keytool(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
    }

    private static KeyStore load(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    /** A PKCS12 trust store (password {@code changeit}) holding one trusted certificate. */
    private static byte[] trustStore(Certificate cert) throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("trusted", cert);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ts.store(out, "changeit".toCharArray());
        return out.toByteArray();
    }

    // ------------------------------------------------------------------ raw reading

    /** Reads a head up to and including its CRLF CRLF; null at EOF before any byte. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (head.size() > 65536) {
                throw new IOException("no CRLF CRLF in 64 KiB: " + head.toString(StandardCharsets.ISO_8859_1));
            }
        }
        if (head.size() == 0) {
            return null;
        }
        throw new IOException("EOF in a head: " + head.toString(StandardCharsets.ISO_8859_1));
    }
}
