package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/** The core's front end and this module, end to end on loopback sockets, against a real backend. */
class ProxyEndToEndTest {

    private final java.util.concurrent.CountDownLatch silence = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.CountDownLatch late = new java.util.concurrent.CountDownLatch(1);
    private ProxyHarness proxy;
    private TestBackend backend;

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness();
        backend = new TestBackend(r -> {
            String target = r.requestLine().split(" ")[1];
            if (target.startsWith("/sha")) {
                return TestBackend.ok(sha(r.body()));
            }
            if (target.startsWith("/chunked")) {
                return "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
            if (target.startsWith("/redirect")) {
                return ("HTTP/1.1 302 Found\r\nLocation: " + "http://127.0.0.1:" + backendPort() + "/elsewhere\r\n"
                        + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            }
            if (target.startsWith("/hop")) {
                return "HTTP/1.1 200 OK\r\nConnection: X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok"
                        .getBytes(StandardCharsets.ISO_8859_1);
            }
            if (target.startsWith("/garbage")) {
                return "NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
            }
            if (target.startsWith("/silent")) {
                try {
                    silence.await(); // the backend does not answer until the test is over
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            }
            if (target.startsWith("/hangup")) {
                return null;
            }
            if (target.startsWith("/late")) {
                try {
                    late.await(10, TimeUnit.SECONDS); // answers when the test says
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return TestBackend.ok("late answer");
            }
            return TestBackend.ok("backend saw " + target);
        });
        proxy.route("t", "path", "/t/", "url", backend.url());
        proxy.route("timeout", "path", "/slow/", "url", backend.url(), "timeout", "1s");
        proxy.route("none", "path", "/x/", "url", "!");
        proxy.route("refused", "path", "/down/", "url", "http://127.0.0.1:1/");
    }

    private int backendPort() {
        return backend.port();
    }

    @AfterEach
    void stop() throws Exception {
        silence.countDown();
        late.countDown();
        proxy.close();
        backend.close();
    }

    static String sha(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private RawClient client() throws Exception {
        return new RawClient(proxy.port);
    }

    @Test
    void getReachesBackendWithMappedPathAndForwardingHeaders() throws Exception {
        try (RawClient c = client()) {
            RawClient.Response r = c.send("GET /t/a/b?q=1 HTTP/1.1\r\nHost: front.example\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals("backend saw /a/b?q=1", r.text());
            assertEquals("1.1 passerelle", r.header("Via"));
        }
        TestBackend.Received got = backend.received.peek();
        assertEquals("GET /a/b?q=1 HTTP/1.1", got.requestLine());
        assertEquals("127.0.0.1:" + backend.port(), got.header("Host"));
        assertEquals("127.0.0.1", got.header("X-Forwarded-For"));
        assertEquals("front.example", got.header("X-Forwarded-Host"));
        assertEquals("http", got.header("X-Forwarded-Proto"));
        assertEquals("for=127.0.0.1;host=front.example;proto=http", got.header("Forwarded"));
    }

    @Test
    void keepAliveOnBothSidesReusesOneBackendConnection() throws Exception {
        try (RawClient c = client()) {
            for (int i = 0; i < 20; i++) {
                RawClient.Response r = c.send("GET /t/n" + i + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
                assertEquals("backend saw /n" + i, r.text());
            }
        }
        assertEquals(1, backend.connections.get());
    }

    /**
     * The front connection keeps reading while an exchange runs (no read-interest toggling per request): a
     * client that half-closes right after its request still gets the whole answer, then the connection closes.
     */
    @Test
    void aClientThatHalfClosesAfterItsRequestStillGetsTheAnswer() throws Exception {
        try (RawClient c = client()) {
            c.send("GET /t/late HTTP/1.1\r\nHost: h\r\n\r\n");
            c.socket.shutdownOutput();
            late.countDown(); // the backend answers only once the client has half-closed
            RawClient.Response r = c.read();
            assertEquals(200, r.status());
            assertEquals("late answer", r.text());
            assertTrue(c.closedByPeer());
        }
    }

    /** Bytes that arrive during an exchange wait for it: a request sent while another runs is answered next. */
    @Test
    void aRequestSentDuringAnExchangeIsAnsweredAfterIt() throws Exception {
        try (RawClient c = client()) {
            c.send("GET /t/late HTTP/1.1\r\nHost: h\r\n\r\n");
            // sent once the backend holds the first request, which it answers only after that
            Polling.await("the backend holds the first request", Duration.ofSeconds(5),
                    () -> backend.received.stream().anyMatch(r -> r.requestLine().startsWith("GET /late ")));
            c.send("GET /t/second HTTP/1.1\r\nHost: h\r\n\r\n");
            late.countDown();
            assertEquals("late answer", c.read().text());
            assertEquals("backend saw /second", c.read().text());
        }
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        try (RawClient c = client()) {
            c.send("GET /t/1 HTTP/1.1\r\nHost: h\r\n\r\nGET /t/2 HTTP/1.1\r\nHost: h\r\n\r\nGET /t/3 HTTP/1.1\r\nHost: h\r\n\r\n");
            for (int i = 1; i <= 3; i++) {
                assertEquals("backend saw /" + i, c.read().text());
            }
        }
    }

    @Test
    void chunkedUploadArrivesIntact() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 17];
        new Random(7).nextBytes(data);
        StringBuilder head = new StringBuilder("POST /t/sha HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n");
        try (RawClient c = client()) {
            c.send(head.toString());
            for (int off = 0; off < data.length; off += 100_000) {
                int n = Math.min(100_000, data.length - off);
                c.send(Integer.toHexString(n) + "\r\n");
                c.send(java.util.Arrays.copyOfRange(data, off, off + n));
                c.send("\r\n");
            }
            c.send("0\r\n\r\n");
            assertEquals(sha(data), c.read().text());
        }
        assertEquals("chunked", backend.received.peek().header("Transfer-Encoding"));
    }

    @Test
    void contentLengthUploadWithExpectContinueGets100First() throws Exception {
        byte[] data = "0123456789".repeat(1000).getBytes(StandardCharsets.ISO_8859_1);
        try (RawClient c = client()) {
            c.send("PUT /t/sha HTTP/1.1\r\nHost: h\r\nContent-Length: " + data.length + "\r\nExpect: 100-continue\r\n\r\n");
            assertEquals(100, c.read().status());
            c.send(data);
            assertEquals(sha(data), c.read().text());
        }
        assertNull(backend.received.peek().header("Expect"));
    }

    @Test
    void chunkedResponseIsRelayedChunkedAndToHttp10UntilClose() throws Exception {
        try (RawClient c = client()) {
            RawClient.Response r = c.send("GET /t/chunked HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals("chunked", r.header("Transfer-Encoding"));
            assertEquals("hello world", r.text());
        }
        try (RawClient c = client()) {
            RawClient.Response r = c.send("GET /t/chunked HTTP/1.0\r\n\r\n").read();
            assertNull(r.header("Transfer-Encoding"));
            assertEquals("close", r.header("Connection"));
            assertEquals("hello world", r.text());
        }
    }

    @Test
    void headGetsHeadersWithoutBody() throws Exception {
        try (RawClient c = client()) {
            RawClient.Response r = c.send("HEAD /t/x HTTP/1.1\r\nHost: h\r\n\r\n").read(true);
            assertEquals(200, r.status());
            assertEquals(String.valueOf("backend saw /x".length()), r.header("Content-Length"));
            // the connection is still in sync: the next response is the right one
            assertEquals("backend saw /y", c.send("GET /t/y HTTP/1.1\r\nHost: h\r\n\r\n").read().text());
        }
    }

    @Test
    void hopByHopHeadersAreRemovedBothWays() throws Exception {
        try (RawClient c = client()) {
            RawClient.Response r = c.send("GET /t/hop HTTP/1.1\r\nHost: h\r\nConnection: X-Mine\r\nX-Mine: 1\r\n"
                    + "Keep-Alive: 5\r\nTE: trailers\r\nX-Kept: yes\r\n\r\n").read();
            assertEquals(200, r.status());
            assertNull(r.header("X-Secret"));
            assertNull(r.header("Keep-Alive"));
        }
        TestBackend.Received got = backend.received.peek();
        assertNull(got.header("X-Mine"));
        assertNull(got.header("Keep-Alive"));
        assertNull(got.header("TE"));
        assertNull(got.header("Connection"));
        assertEquals("yes", got.header("X-Kept"));
    }

    @Test
    void locationIsMappedBackToTheFront() throws Exception {
        try (RawClient c = client()) {
            RawClient.Response r = c.send("GET /t/redirect HTTP/1.1\r\nHost: front:8080\r\n\r\n").read();
            assertEquals(302, r.status());
            assertEquals("http://front:8080/t/elsewhere", r.header("Location"));
        }
    }

    @Test
    void refusedBackendIs503() throws Exception {
        try (RawClient c = client()) {
            assertEquals(503, c.send("GET /down/x HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            // the client connection stays usable
            assertEquals(200, c.send("GET /t/x HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
    }

    @Test
    void garbageFromBackendIs502() throws Exception {
        try (RawClient c = client()) {
            assertEquals(502, c.send("GET /t/garbage HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
    }

    @Test
    void backendClosingBeforeAnsweringIs502() throws Exception {
        try (RawClient c = client()) {
            assertEquals(502, c.send("GET /t/hangup HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
    }

    @Test
    void backendReadTimeoutIs504() throws Exception {
        try (RawClient c = client()) {
            assertEquals(504, c.send("GET /slow/silent HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
    }

    @Test
    void unroutedAndExcludedPathsAre404() throws Exception {
        try (RawClient c = client()) {
            assertEquals(404, c.send("GET /nowhere HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            assertEquals(404, c.send("GET /x/y HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
        assertTrue(backend.received.isEmpty());
    }

    @Test
    void conflictingFramingIs400AndReachesNoBackend() throws Exception {
        try (RawClient c = client()) {
            RawClient.Response r = c.send("POST /t/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Length: 5\r\n\r\nhello").read();
            assertEquals(400, r.status());
            assertEquals("close", r.header("Connection"));
            assertTrue(c.closedByPeer());
        }
        assertEquals(0, backend.connections.get());
    }

    @Test
    void dotSegmentsCannotEscapeTheRoutePrefix() throws Exception {
        try (RawClient c = client()) {
            assertEquals(404, c.send("GET /t/../admin HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            assertEquals(404, c.send("GET /t/%2e%2e/admin HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
        assertTrue(backend.received.isEmpty());
    }

    @Test
    void brokenChunkedBodyTruncatesTheBackendRequestAndClosesTheClient() throws Exception {
        try (RawClient c = client()) {
            c.send("POST /t/sha HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            // the body is streaming to the backend when the broken chunk arrives
            Polling.await("the request head at the backend", Duration.ofSeconds(5), () -> !backend.rawHeads.isEmpty());
            assertEquals(1, backend.rawHeads.size());
            c.send("zz\r\n");
            assertEquals(400, c.read().status());
            assertTrue(c.closedByPeer());
        }
        // the backend connection is closed under a truncated request: it never receives a complete one
        Polling.await("the backend connection closed", Duration.ofSeconds(5),
                () -> backend.connections.get() > 0 && backend.closed.get() == backend.connections.get());
        assertTrue(backend.received.isEmpty());
    }

    @Test
    void invalidHttpConfigurationKeepsTheLastGoodOne() {
        HttpProxyConfig annotation = Config.defaults(HttpProxyConfig.class);
        HttpSchemeHandler h = new HttpSchemeHandler(proxy.forwarder, annotation,
                Map.of("service.pid", HttpSchemeHandler.PID, "pool.max.per.backend", "3"));
        try {
            assertEquals(3, h.settings().poolMaxPerBackend());
            h.modified(annotation, Map.of("service.pid", HttpSchemeHandler.PID, "pool.max.per.backend", "5",
                    "pool.idle.timeout", "soon"));
            assertEquals(3, h.settings().poolMaxPerBackend(), "an invalid update changes nothing");
            h.modified(annotation, Map.of("service.pid", HttpSchemeHandler.PID, "pool.max.per.backend", "5"));
            assertEquals(5, h.settings().poolMaxPerBackend(), "a valid one is taken");
            assertEquals("pool.idle.timeout", assertThrows(ConfigException.class, () -> HttpSettings.from(
                    Config.of(HttpProxyConfig.class, HttpSchemeHandler.PID, Map.of("pool.idle.timeout", "soon"))))
                    .key());
        } finally {
            h.deactivate();
        }
    }

    @Test
    void largeResponseStreamsIntact() throws Exception {
        try (TestBackend big = new TestBackend(r -> {
            byte[] body = new byte[8 * 1024 * 1024];
            new Random(3).nextBytes(body);
            byte[] head = ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] all = new byte[head.length + body.length];
            System.arraycopy(head, 0, all, 0, head.length);
            System.arraycopy(body, 0, all, head.length, body.length);
            return all;
        })) {
            proxy.route("big", "path", "/big/", "url", big.url());
            byte[] expected = new byte[8 * 1024 * 1024];
            new Random(3).nextBytes(expected);
            try (RawClient c = client()) {
                assertArrayEquals(expected, c.send("GET /big/ HTTP/1.1\r\nHost: h\r\n\r\n").read().body());
            }
        }
    }
}
