package io.passerelle.wstunnel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.passerelle.common.config.Config;
import io.passerelle.demo.internal.DemoEcho;
import io.passerelle.http.internal.Polling;
import io.passerelle.http.internal.ProxyHarness;
import io.passerelle.http.internal.RawClient;

/**
 * The wstunnel module through the real core, with the demo's WebSocket echo backend and the JDK's
 * WebSocket client as real peers (SPEC §4.3).
 */
class WsTunnelTest {

    private ProxyHarness proxy;
    private DemoEcho demo;
    private WsTunnelHandler ws;

    @BeforeEach
    void start() {
        proxy = new ProxyHarness();
        demo = new DemoEcho();
        ws = handler(Map.of());
    }

    private WsTunnelHandler handler(Map<String, Object> config) {
        WsTunnelHandler h = new WsTunnelHandler(proxy.forwarder, Config.defaults(WsTunnelConfig.class), config);
        h.bindHttp(proxy.http);
        proxy.bind(h, "ws", "wss");
        return h;
    }

    @AfterEach
    void stop() throws Exception {
        ws.deactivate();
        proxy.close();
        demo.close();
    }

    /** A WebSocket client that queues what it receives. */
    static final class Client implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                received.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(-1);
        }

        Object next() throws InterruptedException {
            Object o = received.poll(10, TimeUnit.SECONDS);
            if (o == null) {
                throw new AssertionError("nothing received within 10 s");
            }
            return o;
        }
    }

    private WebSocket open(String path, Client client, String... subprotocols) throws Exception {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
        if (subprotocols.length > 0) {
            b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        return b.buildAsync(URI.create("ws://127.0.0.1:" + proxy.port + path), client).get(10, TimeUnit.SECONDS);
    }

    @Test
    void messagesEchoThroughAWsRoute() throws Exception {
        proxy.route("ws2", "path", "/ws2/", "url", "ws://127.0.0.1:" + demo.wsPort() + "/");
        Client client = new Client();
        WebSocket socket = open("/ws2/echo", client);
        socket.sendText("hello through the tunnel", true).get(10, TimeUnit.SECONDS);
        assertEquals("hello through the tunnel", client.next());
        byte[] big = new byte[1 << 20];
        new Random(5).nextBytes(big);
        socket.sendBinary(ByteBuffer.wrap(big), true).get(10, TimeUnit.SECONDS);
        assertArrayEquals(big, (byte[]) client.next());
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, client.closed.get(10, TimeUnit.SECONDS));
    }

    @Test
    void openTunnelsAreListedWithTheirRouteGenerationAndBytes() throws Exception {
        proxy.route("ws2", "path", "/ws2/", "url", "ws://127.0.0.1:" + demo.wsPort() + "/");
        long generation = proxy.table.routes()[0].generation();
        Client client = new Client();
        WebSocket socket = open("/ws2/echo", client);
        socket.sendText("counted", true).get(10, TimeUnit.SECONDS);
        assertEquals("counted", client.next());
        io.passerelle.api.ProxyStatus status = new io.passerelle.core.internal.status.CoreStatus(proxy.table, proxy.dispatcher,
                proxy.registry, proxy.tunnels);
        java.util.List<io.passerelle.api.ProxyStatus.TunnelView> tunnels = status.tunnels();
        assertEquals(1, tunnels.size(), tunnels.toString());
        io.passerelle.api.ProxyStatus.TunnelView t = tunnels.get(0);
        assertEquals("ws2", t.route());
        assertEquals(generation, t.generation());
        assertTrue(t.bytesToBackend() > 0 && t.bytesToClient() > 0, t.toString());
        assertTrue(t.backend().endsWith(":" + demo.wsPort()), t.backend());
        assertEquals(1, status.routes().get(0).openTunnels());
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);
        client.closed.get(10, TimeUnit.SECONDS);
        Polling.await("the closed tunnel left the list", java.time.Duration.ofSeconds(5), () -> status.tunnels().isEmpty());
    }

    @Test
    void largeMessagesInBothDirectionsAtOnceNeverStallTheTunnel() throws Exception {
        // both directions above the watermarks at the same time: suspending and resuming reads must never
        // cost a half-written message its write interest (a MINA 2.2 pitfall the core works around)
        proxy.route("ws2", "path", "/ws2/", "url", "ws://127.0.0.1:" + demo.wsPort() + "/");
        Client client = new Client();
        WebSocket socket = open("/ws2/echo", client);
        for (int i = 0; i < 6; i++) {
            byte[] big = new byte[32 << 20];
            new Random(i).nextBytes(big);
            socket.sendBinary(ByteBuffer.wrap(big), true).get(20, TimeUnit.SECONDS);
            assertArrayEquals(big, (byte[]) client.next(), "message " + i);
        }
        socket.abort();
    }

    @Test
    void anIdleTunnelClosesAfterIdleTimeout() throws Exception {
        ws.deactivate();
        proxy.dispatcher.unbindSchemeHandler(ws, Map.of("scheme", new String[] {"ws", "wss"}));
        ws = handler(Map.of("idle.timeout", "1s"));
        proxy.route("ws2", "path", "/ws2/", "url", "ws://127.0.0.1:" + demo.wsPort() + "/", "timeout", "60s");
        Client client = new Client();
        WebSocket socket = open("/ws2/echo", client);
        socket.sendText("then silence", true).get(10, TimeUnit.SECONDS);
        assertEquals("then silence", client.next());
        long start = System.nanoTime();
        int code = client.closed.get(10, TimeUnit.SECONDS);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(waited >= 900 && waited < 5000, "closed after " + waited + " ms of silence (code " + code + ")");
    }

    @Test
    void subprotocolsNegotiateEndToEnd() throws Exception {
        proxy.route("ws2", "path", "/ws2/", "url", "ws://127.0.0.1:" + demo.wsPort() + "/");
        WebSocket socket = open("/ws2/echo", new Client(), "chat.v2", "chat.v1");
        assertEquals("chat.v2", socket.getSubprotocol());
        socket.abort();
    }

    @Test
    void aMatchRouteTunnelsAheadOfARootHttpRoute() throws Exception {
        // ProxyPassMatch ^/(myApp/ws)$ ws://backend:9080/$1 before ProxyPass / http://backend:9080/
        proxy.route("myapp-ws", "match", "^/(myApp/ws)$", "url", "ws://127.0.0.1:" + demo.wsPort() + "/$1");
        proxy.route("root", "path", "/", "url", "http://127.0.0.1:" + demo.httpPort() + "/");
        Client client = new Client();
        WebSocket socket = open("/myApp/ws", client);
        socket.sendText("via match", true).get(10, TimeUnit.SECONDS);
        assertEquals("via match", client.next());
        socket.abort();
        try (RawClient c = new RawClient(proxy.port)) {
            assertEquals(200, c.send("GET /small HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
        }
    }

    /**
     * SPEC §4.9: the 1001 close frame goes to each end at a frame boundary. Both directions are left in the middle
     * of a frame when the module stops; each close frame comes only after the rest of that frame, the one towards
     * the backend masked (RFC 6455 §5.3), and the module's stop returns once the tunnel is closed.
     */
    @Test
    void stoppingTheModuleSends1001ToBothEndsAtFrameBoundaries() throws Exception {
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 4, java.net.InetAddress.getLoopbackAddress())) {
            proxy.route("g", "path", "/g/", "url", "ws://127.0.0.1:" + server.getLocalPort() + "/");
            try (RawClient c = new RawClient(proxy.port)) {
                c.send("GET /g/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
                try (java.net.Socket b = server.accept()) {
                    b.setSoTimeout(20_000);
                    c.socket.setSoTimeout(20_000);
                    java.io.InputStream bin = b.getInputStream();
                    StringBuilder head = new StringBuilder();
                    while (head.indexOf("\r\n\r\n") < 0) {
                        head.append((char) bin.read());
                    }
                    b.getOutputStream().write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    assertEquals(101, c.read(true).status());

                    // a masked 10-byte binary frame from the client, an unmasked one from the backend: half of each
                    byte[] toBackend = {(byte) 0x82, (byte) 0x8A, 1, 2, 3, 4, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
                    byte[] toClient = {(byte) 0x82, 0x0A, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29};
                    c.send(java.util.Arrays.copyOfRange(toBackend, 0, 8));
                    b.getOutputStream().write(toClient, 0, 5);
                    b.getOutputStream().flush();
                    assertArrayEquals(java.util.Arrays.copyOfRange(toBackend, 0, 8), bin.readNBytes(8));
                    assertArrayEquals(java.util.Arrays.copyOfRange(toClient, 0, 5), c.socket.getInputStream().readNBytes(5));

                    proxy.dispatcher.unbindSchemeHandler(ws, Map.of("scheme", new String[] {"ws", "wss"}));
                    WsTunnelHandler stopping = ws;
                    Thread stopper = new Thread(stopping::deactivate, "module-stop");
                    stopper.start();
                    // the stop has asked the tunnel to go away once it waits for it to close
                    Polling.await("the module's stop waits for its tunnel", java.time.Duration.ofSeconds(10),
                            () -> stopper.getState() == Thread.State.TIMED_WAITING);
                    assertTrue(stopper.isAlive(), "both directions are in the middle of a frame: the tunnel is open");

                    c.send(java.util.Arrays.copyOfRange(toBackend, 8, toBackend.length));
                    b.getOutputStream().write(toClient, 5, toClient.length - 5);
                    b.getOutputStream().flush();

                    assertArrayEquals(java.util.Arrays.copyOfRange(toClient, 5, toClient.length),
                            c.socket.getInputStream().readNBytes(7), "the rest of the backend's frame first");
                    assertArrayEquals(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xE9}, c.socket.getInputStream().readNBytes(4),
                            "then 1001, unmasked");
                    assertEquals(-1, c.socket.getInputStream().read(), "then the end");

                    assertArrayEquals(java.util.Arrays.copyOfRange(toBackend, 8, toBackend.length), bin.readNBytes(8),
                            "the rest of the client's frame first");
                    byte[] close = bin.readNBytes(8);
                    assertEquals((byte) 0x88, close[0]);
                    assertEquals((byte) 0x82, close[1], "masked, two bytes of payload");
                    assertEquals(1001, ((close[6] ^ close[2]) & 0xFF) << 8 | ((close[7] ^ close[3]) & 0xFF));
                    assertEquals(-1, bin.read(), "then the end");

                    stopper.join(10_000);
                    assertTrue(!stopper.isAlive(), "the module's stop returned once its tunnel closed");
                }
            }
        }
        ws = handler(Map.of()); // for stop()
    }

    @Test
    void theClientsUpgradeValueGoesAsSentAndSecWebSocketFieldsUntouched() throws Exception {
        try (RawUpgradeBackend backend = new RawUpgradeBackend(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: abc\r\n\r\n")) {
            proxy.route("w", "path", "/w/", "url", backend.url("ws"));
            try (RawClient c = new RawClient(proxy.port)) {
                RawClient.Response r = c.send("GET /w/x HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Upgrade\r\n"
                        + "Upgrade: WebSocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").read(true);
                assertEquals(101, r.status());
                assertEquals("abc", r.header("Sec-WebSocket-Accept"));
                c.send("raw bytes");
                assertArrayEquals("RAW BYTES".getBytes(StandardCharsets.ISO_8859_1),
                        c.socket.getInputStream().readNBytes(9));
            }
            String head = backend.heads.peek();
            assertTrue(head.contains("\r\nUpgrade: WebSocket\r\n"), head);
            assertTrue(head.contains("\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), head);
            assertTrue(head.contains("\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"), head);
        }
    }

    @Test
    void a101WithAnotherUpgradeIs502() throws Exception {
        try (RawUpgradeBackend backend = new RawUpgradeBackend(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n")) {
            proxy.route("w", "path", "/w/", "url", backend.url("ws"));
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(502, c.send("GET /w/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
                        .read().status());
            }
        }
    }

    @Test
    void aRefusalIsRelayedAndTheClientConnectionStaysHttp() throws Exception {
        try (RawUpgradeBackend backend = new RawUpgradeBackend(
                "HTTP/1.1 403 Forbidden\r\nContent-Length: 9\r\n\r\nforbidden")) {
            proxy.route("w", "path", "/w/", "url", backend.url("ws"));
            try (RawClient c = new RawClient(proxy.port)) {
                RawClient.Response r = c.send("GET /w/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n").read();
                assertEquals(403, r.status());
                assertEquals("forbidden", r.text());
                // keep-alive: the same connection carries the next request
                assertEquals(403, c.send("GET /w/y HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n").read().status());
            }
        }
    }

    @Test
    void anUpgradeTheRouteDoesNotAllowIs426WithTheAllowedOneWhenNotFallingBack() throws Exception {
        ws.deactivate();
        proxy.dispatcher.unbindSchemeHandler(ws, Map.of("scheme", new String[] {"ws", "wss"}));
        ws = handler(Map.of("fallback.to.http", "false"));
        try (RawUpgradeBackend backend = new RawUpgradeBackend("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) {
            proxy.route("w", "path", "/w/", "url", backend.url("ws"));
            try (RawClient c = new RawClient(proxy.port)) {
                RawClient.Response r = c.send("GET /w/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: foo/1\r\n\r\n").read();
                assertEquals(426, r.status());
                assertEquals("websocket", r.header("Upgrade"));
                assertTrue(r.header("Connection").toLowerCase().contains("upgrade"), r.header("Connection"));
            }
            assertEquals(0, backend.connections.get());
        }
    }

    @Test
    void withoutFallbackARequestWithNoUpgradeGoesToTheNextRoute() throws Exception {
        ws.deactivate();
        proxy.dispatcher.unbindSchemeHandler(ws, Map.of("scheme", new String[] {"ws", "wss"}));
        ws = handler(Map.of("fallback.to.http", "false"));
        proxy.route("w", "path", "/ws/", "url", "ws://127.0.0.1:" + demo.wsPort() + "/");
        proxy.route("root", "path", "/", "url", "http://127.0.0.1:" + demo.httpPort() + "/");
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send("GET /ws/small HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals(404, r.status(), "the root route's backend has no /ws/small: the ws route was skipped");
            assertEquals("http", r.header("X-Demo-Backend"));
        }
    }

    @Test
    void withFallbackARequestWithNoUpgradeIsProxiedAsHttpToTheSameHost() throws Exception {
        proxy.route("w", "path", "/w/", "url", "ws://127.0.0.1:" + demo.httpPort() + "/");
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send("GET /w/small HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals(200, r.status());
            assertEquals(100, r.body().length);
        }
    }

    @Test
    void upgradeNoneSendsWebsocketWhateverTheClientAsked() throws Exception {
        try (RawUpgradeBackend backend = new RawUpgradeBackend(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")) {
            proxy.route("w", "path", "/w/", "url", backend.url("ws"), "upgrade", "NONE");
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(101, c.send("GET /w/x HTTP/1.1\r\nHost: h\r\n\r\n").read(true).status());
            }
            assertTrue(backend.heads.peek().contains("\r\nUpgrade: websocket\r\n"), backend.heads.peek());
        }
    }

    @Test
    void upgradeAnyTunnelsAnotherProtocol() throws Exception {
        try (RawUpgradeBackend backend = new RawUpgradeBackend(
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: foo/1\r\nConnection: Upgrade\r\n\r\n")) {
            proxy.route("w", "path", "/w/", "url", backend.url("ws"), "upgrade", "ANY");
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(101, c.send("GET /w/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: foo/1\r\n\r\n")
                        .read(true).status());
                c.send("foo");
                assertArrayEquals("FOO".getBytes(StandardCharsets.ISO_8859_1), c.socket.getInputStream().readNBytes(3));
            }
        }
    }

    @Test
    void stoppingTheModuleEndsItsTunnelsWith1001AndItsRoutesAnswer503() throws Exception {
        proxy.route("ws2", "path", "/ws2/", "url", "ws://127.0.0.1:" + demo.wsPort() + "/");
        // a raw client: it sees the TCP close itself, whatever a WebSocket library makes of it
        try (RawClient tunnel = new RawClient(proxy.port)) {
            assertEquals(101, tunnel.send("GET /ws2/echo HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\n"
                    + "Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
                    .read(true).status());
            // a masked text frame "before"; the echo comes back unmasked
            byte[] mask = {1, 2, 3, 4};
            byte[] text = "before".getBytes(StandardCharsets.ISO_8859_1);
            byte[] frame = new byte[2 + 4 + text.length];
            frame[0] = (byte) 0x81;
            frame[1] = (byte) (0x80 | text.length);
            System.arraycopy(mask, 0, frame, 2, 4);
            for (int i = 0; i < text.length; i++) {
                frame[6 + i] = (byte) (text[i] ^ mask[i % 4]);
            }
            tunnel.send(frame);
            byte[] echo = tunnel.socket.getInputStream().readNBytes(2 + text.length);
            assertArrayEquals(text, java.util.Arrays.copyOfRange(echo, 2, echo.length));

            proxy.dispatcher.unbindSchemeHandler(ws, Map.of("scheme", new String[] {"ws", "wss"}));
            ws.deactivate();
            tunnel.socket.setSoTimeout(20_000);
            byte[] ending;
            try {
                ending = tunnel.socket.getInputStream().readNBytes(5);
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the client's connection was not closed; the proxy's open tunnels: "
                        + new io.passerelle.core.internal.status.CoreStatus(proxy.table, proxy.dispatcher, proxy.registry,
                                proxy.tunnels).tunnels(), e);
            }
            // SPEC §4.9: a close frame with status 1001 (going away), unmasked towards a client, then the end
            assertArrayEquals(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xE9}, ending,
                    "a 1001 close frame, then nothing more");
        }
        try (RawClient c = new RawClient(proxy.port)) {
            assertEquals(503, c.send("GET /ws2/echo HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
                    .read().status());
        }
        ws = handler(Map.of()); // for stop()
    }
}
