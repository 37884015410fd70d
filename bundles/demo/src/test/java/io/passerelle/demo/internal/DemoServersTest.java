package io.passerelle.demo.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DemoServersTest {

    private static DemoServers servers;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        servers = DemoServers.start(new DemoSettings("127.0.0.1", 0, 0));
        assertTrue(servers.httpPort() > 0 && servers.wsPort() > 0);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    private static URI http(String path) {
        return URI.create("http://127.0.0.1:" + servers.httpPort() + path);
    }

    @Test
    void getSmallReturnsOneHundredBytesMarkedAsComingFromTheHttpBackend() throws Exception {
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(http("/small")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals(100, response.body().length);
        assertEquals("http", response.headers().firstValue("X-Demo-Backend").orElseThrow());
        assertTrue(response.headers().firstValue("X-Demo-Connection").isPresent());
    }

    @Test
    void postSha256HashesAChunkedBodyWhileItStreams() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new Random(42).nextBytes(body);
        HttpRequest request = HttpRequest.newBuilder(http("/sha256"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("{\"bytes\":" + body.length + ",\"sha256\":\"" + sha + "\"}", response.body());
    }

    @Test
    void headBigSendsTheHeadersOnlyAndTheConnectionStaysUsable() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", servers.httpPort())) {
            socket.setSoTimeout(3000);
            OutputStream out = socket.getOutputStream();
            out.write(("HEAD /big HTTP/1.1\r\nHost: a\r\n\r\n"
                    + "GET /small HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int second = all.indexOf("HTTP/1.1 200", 1);
            String head = all.substring(0, second);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.contains("\r\nContent-Length: 1048576\r\n"), head);
            assertTrue(head.endsWith("\r\n\r\n"), "nothing after the HEAD response headers: " + head);
            assertTrue(all.endsWith("\r\n\r\n" + new String(smallBody(), StandardCharsets.ISO_8859_1)));
            assertEquals(connectionId(head), connectionId(all.substring(second)));
        }
    }

    @Test
    void headViaHttpClientHasNoBody() throws Exception {
        HttpResponse<byte[]> response = client.send(
                HttpRequest.newBuilder(http("/big")).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals("1048576", response.headers().firstValue("Content-Length").orElseThrow());
        assertEquals(0, response.body().length);
    }

    @Test
    void chunkedPatternAndEchoStreamTheExpectedBytes() throws Exception {
        HttpResponse<byte[]> chunked = client.send(HttpRequest.newBuilder(http("/chunked/300000")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("chunked", chunked.headers().firstValue("Transfer-Encoding").orElseThrow());
        byte[] expected = new byte[300000];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) ((i * 31 + 7) & 0xff);
        }
        assertArrayEquals(expected, chunked.body());

        HttpResponse<byte[]> echo = client.send(HttpRequest.newBuilder(http("/echo"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(expected)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(expected, echo.body());
    }

    @Test
    void indexPageOpensTheEchoWebSocketOnTheHostThatServedIt() throws Exception {
        HttpResponse<String> page = client.send(HttpRequest.newBuilder(http("/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(page.body().contains("<title>Passerelle demo</title>"));
        assertTrue(page.body().contains(
                "(location.protocol==='https:'?'wss':'ws') + '://' + location.host + '/ws/echo'"));
        assertTrue(page.body().contains("'hello from the page'"));
    }

    @Test
    void unknownPathIs404AndStatusAndRedirectWork() throws Exception {
        assertEquals(404, client.send(HttpRequest.newBuilder(http("/nope")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(503, client.send(HttpRequest.newBuilder(http("/status/503")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode());
        HttpResponse<Void> redirect = client.send(HttpRequest.newBuilder(http("/redirect")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertEquals(302, redirect.statusCode());
        assertEquals("http://127.0.0.1:" + servers.httpPort() + "/small",
                redirect.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void webSocketEchoesTextAndAOneMebibyteBinaryMessage() throws Exception {
        EchoListener listener = new EchoListener();
        WebSocket ws = client.newWebSocketBuilder().subprotocols("chat", "superchat")
                .buildAsync(URI.create("ws://127.0.0.1:" + servers.wsPort() + "/ws/echo"), listener)
                .get(3, TimeUnit.SECONDS);
        assertEquals("chat", ws.getSubprotocol());

        ws.sendText("hello from the test", true).get(3, TimeUnit.SECONDS);
        assertEquals("hello from the test", listener.nextText().get(3, TimeUnit.SECONDS));

        byte[] payload = new byte[1024 * 1024];
        new Random(7).nextBytes(payload);
        ws.sendBinary(ByteBuffer.wrap(payload), true).get(3, TimeUnit.SECONDS);
        assertArrayEquals(payload, listener.nextBinary().get(5, TimeUnit.SECONDS));

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(3, TimeUnit.SECONDS);
        assertEquals(WebSocket.NORMAL_CLOSURE, listener.closed.get(3, TimeUnit.SECONDS));
    }

    @Test
    void plainRequestToTheWebSocketPortGets426() throws Exception {
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + servers.wsPort() + "/ws/echo")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(426, response.statusCode());
        assertEquals("ws", response.headers().firstValue("X-Demo-Backend").orElseThrow());
    }

    @Test
    void closingStopsEveryIoThread() throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        DemoServers extra = DemoServers.start(new DemoSettings("127.0.0.1", 0, 0));
        try (Socket socket = new Socket("127.0.0.1", extra.httpPort())) {
            socket.getOutputStream().write("GET /small HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readSome(socket.getInputStream()).startsWith("HTTP/1.1 200"));
            assertTrue(newThreads(before).size() >= 3, "two acceptor threads and a processor run");
            extra.close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (!newThreads(before).isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // looks again in 5 ms, until the deadline
        }
        assertEquals(List.of(), newThreads(before).stream().map(Thread::getName).toList());
    }

    private static List<Thread> newThreads(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && !before.contains(t)).toList();
    }

    private static String readSome(InputStream in) throws IOException {
        byte[] buf = new byte[4096];
        int n = in.read(buf);
        return new String(buf, 0, Math.max(n, 0), StandardCharsets.ISO_8859_1);
    }

    private static String connectionId(String response) {
        int i = response.indexOf("X-Demo-Connection: ");
        return response.substring(i + 19, response.indexOf("\r\n", i));
    }

    private static byte[] smallBody() {
        StringBuilder sb = new StringBuilder("small response from the Passerelle demo backend ");
        while (sb.length() < 99) {
            sb.append('.');
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Collects whole messages from the client side of the WebSocket. */
    private static final class EchoListener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private CompletableFuture<String> textDone = new CompletableFuture<>();
        private CompletableFuture<byte[]> binaryDone = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        synchronized CompletableFuture<String> nextText() {
            return textDone;
        }

        synchronized CompletableFuture<byte[]> nextBinary() {
            return binaryDone;
        }

        @Override
        public synchronized CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                textDone.complete(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public synchronized CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                binaryDone.complete(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
            textDone.completeExceptionally(error);
            binaryDone.completeExceptionally(error);
        }
    }
}
