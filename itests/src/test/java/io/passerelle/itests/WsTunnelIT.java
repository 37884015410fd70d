package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;
import static org.ops4j.pax.exam.CoreOptions.vmOption;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The WebSocket tunnel (SPEC 4.3, mod_proxy_wstunnel): {@code ws://} routes written into etc/,
 * real WebSocket traffic through the proxy's listener to {@link WsEchoBackend}s on ephemeral
 * loopback ports. Clients: the JDK's {@link java.net.http.WebSocket} (java.* is boot-delegated in
 * Karaf), or {@link RawWebSocket} where a test needs every byte in hand (slow reader,
 * half-close, the 101's headers).
 *
 * <p>The test methods run inside the Karaf under test, so {@code java.lang.management} shows the
 * proxy's own heap; the clients and backends here hold one 64 KiB buffer per connection and
 * generate or hash payloads on the fly. As in {@link HttpStreamingIT}, this class's Karaf runs
 * with the young generation capped at 64 MiB, so that what the proxy held during a transfer would
 * be promoted out of eden (where the heap figure looks) within milliseconds. Figures are printed
 * to System.out (the failsafe output of this class) and stated in the assertion messages.
 *
 * <p>Karaf boots once for this class; each test uses its own routes (ws1, ws2...) and removes its
 * files and backends afterwards.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WsTunnelIT extends PasserelleTestSupport {

    private static final long MIB = HeapWatch.MIB;
    private static final long GIB = 1024 * MIB;
    private static final long YOUNG_GENERATION_MAX = 64 * MIB;

    private static final String WSTUNNEL_FEATURE = "passerelle-wstunnel";
    private static final String WSTUNNEL_BUNDLE = "io.passerelle.wstunnel";

    /** A read on a raw tunnel that waits longer than this fails. */
    private static final int READ_TIMEOUT_MS = 30_000;
    /** A transfer or a load that takes longer than this is cut and fails. */
    private static final Duration TRANSFER_DEADLINE = Duration.ofSeconds(120);

    /**
     * Cuts raw transfers that outlive their deadline. One daemon thread, never shut down (Pax
     * Exam runs each test method as a request of its own; it dies with the Karaf under test).
     */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ws-tunnel-it-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final List<WsEchoBackend> wsBackends = new ArrayList<>();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    /** The distribution as {@link PasserelleTestSupport} boots it, with the young generation capped at 64 MiB. */
    @Override
    @Configuration
    public Option[] config() {
        Option[] options = super.config();
        Option[] capped = Arrays.copyOf(options, options.length + 1);
        capped[options.length] = vmOption("-XX:MaxNewSize=" + YOUNG_GENERATION_MAX / MIB + "m");
        return capped;
    }

    /** Runs before the support class's clean-up (which deletes the route files). */
    @After
    public void closeClientsAndWsBackends() {
        for (AutoCloseable c : closeAfter) {
            try {
                c.close();
            } catch (Exception e) {
                // closed anyway
            }
        }
        closeAfter.clear();
        for (WsEchoBackend backend : wsBackends) {
            backend.close();
        }
        wsBackends.clear();
    }

    // ================================================================== 1. a thousand tunnels

    private static final int TUNNELS = 1000;
    private static final int MESSAGES_PER_TUNNEL = 100;
    /** Handshakes in flight at once. */
    private static final int HANDSHAKE_CONCURRENCY = 200;
    /** HttpClients the tunnels are spread over: each has a selector thread of its own. */
    private static final int HTTP_CLIENTS = 4;

    @Test
    public void aThousandConcurrentTunnelsEachExchangeAHundredMessages() throws Exception {
        WsEchoBackend backend = wsEchoBackend("E1");
        writeRoute("ws1", backend.url());
        awaitEchoingTunnel("/ws1/warm-up", backend).close();
        await("the warm-up tunnel to end at the backend", () -> backend.open() == 0);
        long framesBefore = backend.framesEchoed();
        int handshakesBefore = backend.handshakes();

        ExecutorService callbacks = Executors.newFixedThreadPool(8, daemon("ws1-client"));
        List<HttpClient> httpClients = new ArrayList<>();
        for (int i = 0; i < HTTP_CLIENTS; i++) {
            httpClients.add(HttpClient.newBuilder().executor(callbacks).connectTimeout(Duration.ofSeconds(10)).build());
        }
        AtomicInteger errors = new AtomicInteger();
        Queue<String> errorSamples = new ConcurrentLinkedQueue<>();
        EchoClient[] clients = new EchoClient[TUNNELS];
        long deadline = System.nanoTime() + TRANSFER_DEADLINE.toNanos();
        long start = System.nanoTime();
        String routesWhileOpen;
        long openedMillis;
        long exchangedMillis;
        long closedMillis;
        try {
            // open all, at most HANDSHAKE_CONCURRENCY handshakes in flight
            Semaphore slots = new Semaphore(HANDSHAKE_CONCURRENCY);
            for (int i = 0; i < TUNNELS; i++) {
                EchoClient client = new EchoClient(i, MESSAGES_PER_TUNNEL, errors, errorSamples);
                clients[i] = client;
                if (!slots.tryAcquire(remainingNanos(deadline), TimeUnit.NANOSECONDS)) {
                    fail("handshakes stalled: " + (TUNNELS - i) + " not begun within " + TRANSFER_DEADLINE
                        + "; " + describe(clients, errors, errorSamples, backend));
                }
                httpClients.get(i % HTTP_CLIENTS).newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(30))
                    .buildAsync(URI.create("ws://127.0.0.1:" + listenerPort() + "/ws1/c" + i), client)
                    .whenComplete((ws, failure) -> {
                        slots.release();
                        if (failure != null) {
                            client.fail("handshake", failure);
                        }
                    });
            }
            awaitAll("the " + TUNNELS + " handshakes", clients, c -> c.opened, deadline, errors, errorSamples, backend);
            openedMillis = millisSince(start);
            // all of them open at once, each a connection of its own at the backend
            await(TUNNELS + " tunnels open at the backend at once", () -> backend.open() == TUNNELS);
            routesWhileOpen = executeCommand("proxy:routes ws1");

            long exchangeStart = System.nanoTime();
            for (EchoClient client : clients) {
                client.begin();
            }
            awaitAll("the exchanges", clients, c -> c.exchanged, deadline, errors, errorSamples, backend);
            exchangedMillis = millisSince(exchangeStart);

            long closeStart = System.nanoTime();
            for (EchoClient client : clients) {
                client.close();
            }
            awaitAll("the closing handshakes", clients, c -> c.closed, deadline, errors, errorSamples, backend);
            await("every tunnel to end at the backend", () -> backend.open() == 0);
            closedMillis = millisSince(closeStart);
        } finally {
            for (EchoClient client : clients) {
                if (client != null) {
                    client.abort();
                }
            }
            callbacks.shutdownNow();
        }

        long messages = (long) TUNNELS * MESSAGES_PER_TUNNEL;
        long echoed = Arrays.stream(clients).mapToLong(c -> c.echoed).sum();
        String figures = String.format(Locale.ROOT,
            "%d tunnels x %d messages: opened in %d ms (%d handshakes in flight at most), %d round trips in %d ms "
                + "(%.0f messages/s each way), closed in %d ms, %d s in all; %d echoes checked, %d errors; %s; "
                + "at most %d backend connections open at once",
            TUNNELS, MESSAGES_PER_TUNNEL, openedMillis, HANDSHAKE_CONCURRENCY, messages, exchangedMillis,
            messages * 1000.0 / Math.max(1, exchangedMillis), closedMillis, millisSince(start) / 1000, echoed,
            errors.get(), backend, backend.maxOpen());
        System.out.println("[WsTunnelIT] " + figures + "\n[WsTunnelIT] proxy:routes ws1 with every tunnel open:\n"
            + routesWhileOpen);
        assertEquals("no errors; " + figures + "; e.g. " + List.copyOf(errorSamples), 0, errors.get());
        assertEquals("every message came back, in order; " + figures, messages, echoed);
        assertEquals("every tunnel reached the backend; " + figures, TUNNELS, backend.handshakes() - handshakesBefore);
        assertEquals("the backend echoed every message once; " + figures, messages,
            backend.framesEchoed() - framesBefore);
        assertEquals("the backend met no I/O error; " + figures, List.of(), backend.errors());
        // columns: Name | Path/Match | URL | Order | Gen | Handler | Requests | Tunnels | Errors
        assertEquals("proxy:routes counted every tunnel open at once:\n" + routesWhileOpen, Integer.toString(TUNNELS),
            tableRow(routesWhileOpen, 0, "ws1").get(7));
        String routesAfter = executeCommand("proxy:routes ws1");
        assertEquals("and none once they closed:\n" + routesAfter, "0", tableRow(routesAfter, 0, "ws1").get(7));
        assertEquals("no errors on the route:\n" + routesAfter, "0", tableRow(routesAfter, 0, "ws1").get(8));
    }

    /**
     * One JDK WebSocket client: sends message 0 when {@link #begin()} is called, and each next
     * message when the echo of the previous one has come back whole and equal.
     */
    private static final class EchoClient implements WebSocket.Listener {
        private static final String PADDING = "x".repeat(48);

        final CompletableFuture<WebSocket> opened = new CompletableFuture<>();
        final CompletableFuture<Void> exchanged = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final int id;
        private final int messages;
        private final AtomicInteger errors;
        private final Queue<String> errorSamples;
        private final StringBuilder partial = new StringBuilder();
        private final AtomicBoolean failed = new AtomicBoolean();
        private CompletableFuture<WebSocket> sending;
        private int next;
        volatile long echoed;
        private volatile WebSocket ws;

        EchoClient(int id, int messages, AtomicInteger errors, Queue<String> errorSamples) {
            this.id = id;
            this.messages = messages;
            this.errors = errors;
            this.errorSamples = errorSamples;
        }

        String message(int n) {
            return "tunnel " + id + " message " + n + " " + PADDING;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            synchronized (this) {
                sending = CompletableFuture.completedFuture(webSocket);
            }
            webSocket.request(1);
            opened.complete(webSocket);
        }

        void begin() {
            send(message(0));
        }

        /** Sends after the previous send has completed (the JDK allows one outstanding send). */
        private synchronized void send(String text) {
            sending = sending.thenCompose(w -> w.sendText(text, true));
            sending.whenComplete((w, failure) -> {
                if (failure != null) {
                    fail("sending", failure);
                }
            });
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String got = partial.toString();
                partial.setLength(0);
                String expected = next < messages ? message(next) : "(nothing: all " + messages + " echoed)";
                if (!expected.equals(got)) {
                    fail("echo " + next, new AssertionError("expected '" + expected + "', got '" + got + "'"));
                } else {
                    echoed++;
                    next++;
                    if (next < messages) {
                        send(message(next));
                    } else {
                        exchanged.complete(null);
                    }
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            fail("echo " + next, new AssertionError("a binary frame came back for a text message"));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            if (!exchanged.isDone()) {
                fail("exchange", new AssertionError("closed by the server (" + statusCode + " " + reason
                    + ") after " + echoed + " echoes"));
            }
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fail(exchanged.isDone() ? "closing" : "exchange after " + echoed + " echoes", error);
        }

        void close() {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").whenComplete((w, failure) -> {
                if (failure != null) {
                    fail("sending close", failure);
                }
            });
        }

        void fail(String stage, Throwable failure) {
            if (failed.compareAndSet(false, true)) {
                errors.incrementAndGet();
                if (errorSamples.size() < 5) {
                    errorSamples.add("tunnel " + id + " " + stage + ": " + failure);
                }
            }
            opened.completeExceptionally(failure);
            exchanged.completeExceptionally(failure);
            closed.completeExceptionally(failure);
        }

        void abort() {
            WebSocket w = ws;
            if (w != null) {
                w.abort();
            }
        }
    }

    private interface Stage {
        CompletableFuture<?> of(EchoClient client);
    }

    private void awaitAll(String what, EchoClient[] clients, Stage stage, long deadline, AtomicInteger errors,
            Queue<String> errorSamples, WsEchoBackend backend) throws InterruptedException {
        for (EchoClient client : clients) {
            try {
                stage.of(client).get(remainingNanos(deadline), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                // counted in errors; the figures at the end show them
            } catch (TimeoutException e) {
                fail(what + " did not finish within " + TRANSFER_DEADLINE + "; "
                    + describe(clients, errors, errorSamples, backend));
            }
        }
        if (errors.get() > 0) {
            fail(what + ": " + describe(clients, errors, errorSamples, backend));
        }
    }

    private static String describe(EchoClient[] clients, AtomicInteger errors, Queue<String> errorSamples,
            WsEchoBackend backend) {
        long opened = Arrays.stream(clients).filter(c -> c != null && c.opened.isDone()
            && !c.opened.isCompletedExceptionally()).count();
        long exchanged = Arrays.stream(clients).filter(c -> c != null && c.exchanged.isDone()
            && !c.exchanged.isCompletedExceptionally()).count();
        long echoes = Arrays.stream(clients).filter(c -> c != null).mapToLong(c -> c.echoed).sum();
        return opened + " tunnels opened, " + exchanged + " done exchanging, " + echoes + " echoes, " + errors.get()
            + " errors, e.g. " + List.copyOf(errorSamples) + "; " + backend;
    }

    // ================================================================== 2. a 64 MiB message

    @Test
    public void aSixtyFourMibMessageEchoesWithItsSha256() throws Exception {
        WsEchoBackend backend = wsEchoBackend("E2");
        writeRoute("ws2", backend.url());
        awaitEchoingTunnel("/ws2/warm-up", backend).close();
        // the backend counts a frame after it has sent the echo back: the warm-up's count is final once it is gone
        await("the warm-up tunnel to end at the backend", () -> backend.open() == 0);
        echoSixtyFourMib(backend, "/ws2/big");
    }

    /** Sends one 64 MiB binary frame through {@code path} to the echo {@code backend} and checks what comes back. */
    void echoSixtyFourMib(WsEchoBackend backend, String path) throws Exception {
        long framesBefore = backend.framesEchoed();
        long bytesBefore = backend.bytesEchoed();

        int size = (int) (64 * MIB);
        byte[] message = new byte[size];
        new StreamingBackend.Pattern(0x5EED0064L).fill(message, size);
        String sent = HexFormat.of().formatHex(StreamingBackend.sha256().digest(message));

        ExecutorService callbacks = Executors.newFixedThreadPool(2, daemon("ws2-client"));
        BinarySink sink = new BinarySink();
        try {
            HttpClient client = HttpClient.newBuilder().executor(callbacks).build();
            WebSocket ws = client.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + listenerPort() + path), sink)
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long start = System.nanoTime();
            long payloadBefore = backend.payloadEchoed();
            CompletableFuture<WebSocket> sending = ws.sendBinary(ByteBuffer.wrap(message), true);
            // wait for the echo while it moves; a stall of STALL is reported with where the bytes are
            long lastProgress = -1;
            long lastMove = System.nanoTime();
            while (!(sending.isDone() && sink.message.isDone())) {
                long progress = sink.bytes + backend.payloadEchoed();
                if (progress != lastProgress) {
                    lastProgress = progress;
                    lastMove = System.nanoTime();
                } else if (System.nanoTime() - lastMove > STALL.toNanos()) {
                    fail(String.format(Locale.ROOT, "the 64 MiB echo stalled: nothing moved for %d s; the backend had "
                        + "echoed %d bytes of it, the client had %s and received %d bytes back (%d pieces), %d ms after "
                        + "the send began; %s%n%s", STALL.toSeconds(), backend.payloadEchoed() - payloadBefore,
                        sending.isDone() ? "sent it whole" : "not finished sending it", sink.bytes, sink.pieces,
                        millisSince(start), backend, stallEvidence(backend.port())));
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            try {
                sending.get();
                sink.message.get();
            } catch (ExecutionException e) {
                throw new AssertionError("the 64 MiB echo failed: " + e.getCause() + ", after " + sink.bytes
                    + " bytes back; " + backend, e.getCause());
            }
            long millis = millisSince(start);
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
            Integer code = sink.closed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);

            String figures = String.format(Locale.ROOT, "64 MiB binary message echoed in %d ms (%.0f MiB/s each way), "
                + "back in %d pieces; %s", millis, 64 * 1000.0 / Math.max(1, millis), sink.pieces, backend);
            System.out.println("[WsTunnelIT] " + figures);
            assertEquals("one message came back; " + figures, 1, sink.messages);
            assertEquals("every byte came back; " + figures, size, sink.bytes);
            assertEquals("what came back is what was sent (SHA-256); " + figures, sent,
                HexFormat.of().formatHex(sink.sha256.digest()));
            assertEquals("the backend got it as one frame; " + figures, 1, backend.framesEchoed() - framesBefore);
            assertEquals("the backend echoed 64 MiB; " + figures, size, backend.bytesEchoed() - bytesBefore);
            assertEquals("the close handshake went through", Integer.valueOf(WebSocket.NORMAL_CLOSURE), code);
        } finally {
            sink.abort();
            callbacks.shutdownNow();
        }
    }

    /** How long a transfer may make no progress before it is reported as stalled. */
    private static final Duration STALL = Duration.ofSeconds(10);

    /**
     * Where the bytes of a stalled tunnel are: the kernel's queues of every loopback TCP connection
     * to or from the proxy's listener or {@code backendPort} (/proc/net/tcp, tcp6: tx_queue is what
     * the socket's owner wrote and the peer has not acknowledged, rx_queue what arrived and its owner
     * has not read), the proxy's open tunnels, and the stacks of the threads involved.
     */
    String stallEvidence(int backendPort) {
        StringBuilder evidence = new StringBuilder();
        int listener = listenerPort();
        evidence.append("sockets (local -> remote, state, tx_queue, rx_queue; listener ").append(listener)
            .append(", backend ").append(backendPort).append("):\n");
        for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(file))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length < 5 || !f[1].contains(":") || f[0].equals("sl")) {
                        continue;
                    }
                    int local = Integer.parseInt(f[1].substring(f[1].lastIndexOf(':') + 1), 16);
                    int remote = Integer.parseInt(f[2].substring(f[2].lastIndexOf(':') + 1), 16);
                    if (local != listener && remote != listener && local != backendPort && remote != backendPort) {
                        continue;
                    }
                    String[] queues = f[4].split(":");
                    evidence.append(String.format(Locale.ROOT, "  %5d -> %5d  state %s  tx %d  rx %d%n", local, remote,
                        f[3], Long.parseLong(queues[0], 16), Long.parseLong(queues[1], 16)));
                }
            } catch (IOException | RuntimeException e) {
                evidence.append("  (").append(file).append(": ").append(e).append(")\n");
            }
        }
        if (sessionFactory.getRegistry().getCommand("proxy", "tunnels") != null) {
            try {
                evidence.append("proxy:tunnels:\n").append(executeCommand("proxy:tunnels"));
            } catch (AssertionError e) {
                evidence.append("proxy:tunnels failed: ").append(e.getMessage()).append('\n');
            }
        }
        evidence.append("threads:\n");
        for (java.lang.management.ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            String name = t.getThreadName();
            if (name.startsWith("ws-backend") && !name.endsWith("-accept") || name.startsWith("ws2-client")
                    || name.startsWith("HttpClient") || name.startsWith("Processor") || name.contains("NioProcessor")
                    || name.contains("passerelle")) {
                evidence.append("  \"").append(name).append("\" ").append(t.getThreadState()).append('\n');
                StackTraceElement[] stack = t.getStackTrace();
                for (int i = 0; i < Math.min(8, stack.length); i++) {
                    evidence.append("      at ").append(stack[i]).append('\n');
                }
            }
        }
        return evidence.toString();
    }

    /** Hashes binary messages as their pieces arrive. */
    private static final class BinarySink implements WebSocket.Listener {
        final MessageDigest sha256 = StreamingBackend.sha256();
        final CompletableFuture<Void> message = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile long bytes;
        volatile int pieces;
        volatile int messages;
        private volatile WebSocket ws;

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            bytes += data.remaining();
            pieces++;
            sha256.update(data);
            if (last) {
                messages++;
                message.complete(null);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.completeExceptionally(new AssertionError("a text frame came back for a binary message"));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            message.completeExceptionally(new AssertionError("closed (" + statusCode + " " + reason + ") after "
                + bytes + " bytes"));
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            message.completeExceptionally(error);
            closed.completeExceptionally(error);
        }

        void abort() {
            WebSocket w = ws;
            if (w != null) {
                w.abort();
            }
        }
    }

    // ================================================================== 3. a slow reader

    /** Heap outside eden may grow by less than this over the baseline while 1 GiB goes to a slow reader. */
    private static final long HEAP_LIMIT = 64 * MIB;
    /** How long the client reads slowly before reading the rest fast. */
    private static final Duration SLOW_PHASE = Duration.ofSeconds(10);
    private static final int SLOW_READ_SIZE = 64 * 1024;
    private static final long SLOW_READ_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int SLOW_RECEIVE_BUFFER = 16 * 1024;

    @Test
    public void aBackendPushingOneGibToASlowReaderKeepsTheProxyHeapBounded() throws Exception {
        long seed = 0x5EED0003L;
        WsEchoBackend backend = WsEchoBackend.pusher("P3", GIB, seed);
        wsBackends.add(backend);
        writeRoute("ws3", backend.url());
        awaitEchoingTunnel("/ws3/warm-up", backend).close();

        PushReader reader = new PushReader();
        HeapWatch heap = HeapWatch.start();
        HeapWatch.Figures figures;
        long slowBytes;
        long pushedWhenSlowEnded;
        long slowMillis;
        long fastMillis;
        String end;
        RawWebSocket ws = null;
        ScheduledFuture<?> cut = null;
        AtomicBoolean expired = new AtomicBoolean();
        try {
            ws = RawWebSocket.open(listenerPort(), "/ws3/push", SLOW_RECEIVE_BUFFER, READ_TIMEOUT_MS);
            RawWebSocket tunnel = ws;
            cut = WATCHDOG.schedule(() -> {
                expired.set(true);
                closeQuietly(tunnel);
            }, TRANSFER_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals("the push handshake: " + ws.describe(), 101, ws.status());
            InputStream in = ws.in();
            byte[] buffer = new byte[SLOW_READ_SIZE];
            long start = System.nanoTime();
            long slowUntil = start + SLOW_PHASE.toNanos();
            try {
                // slowly: a small receive buffer, 64 KiB reads, a pause after each
                while (!reader.closeSeen && System.nanoTime() - slowUntil < 0) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    reader.feed(buffer, 0, n);
                    LockSupport.parkNanos(SLOW_READ_PAUSE_NANOS);
                }
                slowBytes = reader.bytes;
                pushedWhenSlowEnded = backend.pushed();
                slowMillis = millisSince(start);
                // then fast
                long fastStart = System.nanoTime();
                while (!reader.closeSeen) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        break;
                    }
                    reader.feed(buffer, 0, n);
                }
                fastMillis = millisSince(fastStart);
            } catch (IOException e) {
                throw new AssertionError((expired.get() ? "cut after " + TRANSFER_DEADLINE + ": " : "")
                    + "the push failed after " + reader.bytes + " bytes: " + e + "; " + backend, e);
            }
            assertTrue("the tunnel ended before the backend's close frame, after " + reader.bytes + " bytes; "
                + backend, reader.closeSeen);
            ws.sendClose(1000);
            ws.shutdownOutput();
            end = ws.readToEnd();
        } finally {
            figures = heap.stop();
            if (cut != null) {
                cut.cancel(false);
            }
            closeQuietly(ws);
        }

        String pushed = poll(TIMEOUT, () -> backend.pushedDigests().isEmpty() ? null : backend.pushedDigests().get(0));
        long inFlight = pushedWhenSlowEnded - slowBytes;
        long kernelBuffers = kernelSocketBuffers();
        String what = String.format(Locale.ROOT,
            "1 GiB pushed to a slow reader: %d MiB read slowly in %d ms (%d KiB reads, %d ms pauses, receive buffer "
                + "%d KiB), the backend %.1f MiB ahead when the slow phase ended; the rest read in %d ms; %d frames, "
                + "close code %d, then %s",
            slowBytes / MIB, slowMillis, SLOW_READ_SIZE / 1024, SLOW_READ_PAUSE_NANOS / 1_000_000,
            SLOW_RECEIVE_BUFFER / 1024, inFlight / (double) MIB, fastMillis, reader.frames, reader.closeCode, end);
        report(what, figures);
        assertEquals(what + ": every payload byte arrived", GIB, reader.bytes);
        assertNotNull("the backend finished pushing; " + backend, pushed);
        assertEquals(what + ": what arrived is what the backend pushed (SHA-256)", pushed,
            HexFormat.of().formatHex(reader.sha256.digest()));
        assertTrue(what + ": the slow reader was slow (it read less than the whole push before the fast phase)",
            slowBytes < GIB);
        assertTrue(String.format(Locale.ROOT, "%s: the backend was held back when the slow phase ended: at most the "
            + "kernel's socket buffers on the way (%d MiB at most here) + %d MiB in flight between it and the slow "
            + "reader", what, kernelBuffers / MIB, HEAP_LIMIT / MIB), inFlight < kernelBuffers + HEAP_LIMIT);
        assertTrue(String.format(Locale.ROOT, "%s: heap used outside eden during the transfer stayed under the "
            + "after-GC baseline + %d MiB; %s", what, HEAP_LIMIT / MIB, figures),
            figures.peakNonEden() - figures.baseline() < HEAP_LIMIT);
        assertTrue(what + ": the heap was sampled during the transfer; " + figures, figures.samples() >= 2);
    }

    /**
     * The most the kernel may buffer between the pusher and the slow reader: the receive buffer of
     * the proxy's backend socket and the slow reader's, the send buffers of the pusher and of the
     * proxy's client socket, at their autotuning maxima (net.ipv4.tcp_rmem, tcp_wmem).
     */
    private static long kernelSocketBuffers() {
        long rmem = 6 * MIB;
        long wmem = 4 * MIB;
        try {
            rmem = Long.parseLong(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_rmem"))
                .trim().split("\\s+")[2]);
            wmem = Long.parseLong(Files.readString(Path.of("/proc/sys/net/ipv4/tcp_wmem"))
                .trim().split("\\s+")[2]);
        } catch (IOException | RuntimeException e) {
            // not Linux: the usual defaults
        }
        return rmem + SLOW_RECEIVE_BUFFER + 2 * wmem;
    }

    /** Counts and hashes the binary payload of a server's frames, as a slow reader gets them. */
    private static final class PushReader extends RawWebSocket.FrameParser {
        final MessageDigest sha256 = StreamingBackend.sha256();
        long bytes;
        long frames;
        boolean closeSeen;
        int closeCode = -1;

        @Override
        void payload(int opcode, byte[] data, int offset, int length) {
            sha256.update(data, offset, length);
            bytes += length;
        }

        @Override
        void frameEnd(int opcode, boolean fin, byte[] controlPayload) {
            if (opcode == RawWebSocket.CLOSE) {
                closeSeen = true;
                closeCode = controlPayload.length >= 2
                    ? ((controlPayload[0] & 0xFF) << 8) | (controlPayload[1] & 0xFF) : -1;
            } else if (opcode < 8) {
                frames++;
            }
        }
    }

    private static void report(String what, HeapWatch.Figures figures) {
        List<String> heapOptions = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:")).collect(Collectors.toList());
        String gcs = ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(" + "));
        System.out.println("[WsTunnelIT] " + what + ": " + figures + " (" + gcs + ", VM options " + heapOptions + ")");
    }

    // ================================================================== 4. half-close

    private static final int HALF_CLOSE_FRAMES = 64;

    @Test
    public void aHalfClosedClientStillReceivesPendingEchoes() throws Exception {
        WsEchoBackend backend = wsEchoBackend("E4");
        writeRoute("ws4", backend.url());
        awaitEchoingTunnel("/ws4/warm-up", backend).close();
        await("the warm-up tunnel to end at the backend", () -> backend.open() == 0);
        int finsBefore = backend.finsSeen();

        List<RawWebSocket.Frame> sent = new ArrayList<>();
        long total = 0;
        for (int i = 0; i < HALF_CLOSE_FRAMES; i++) {
            // lengths of every header form: 7-bit, 16-bit (126..65535), 64-bit (65536 and more)
            int size = i == 10 ? 65_535 : i == 20 ? 65_536 : i == 30 ? 100_000 : i == 40 ? 126 : i == 41 ? 125
                : (i * 379) % 2_000;
            byte[] payload = new byte[size];
            for (int k = 0; k < size; k++) {
                payload[k] = (byte) ('a' + (i + k) % 26);
            }
            sent.add(new RawWebSocket.Frame(true, i % 2 == 0 ? RawWebSocket.TEXT : RawWebSocket.BINARY, payload));
            total += size;
        }

        try (RawWebSocket ws = openTunnel("/ws4/half", backend)) {
            for (RawWebSocket.Frame frame : sent) {
                ws.send(frame.opcode(), frame.payload());
            }
            ws.shutdownOutput();

            for (int i = 0; i < sent.size(); i++) {
                RawWebSocket.Frame echo;
                try {
                    echo = ws.readFrame();
                } catch (IOException e) {
                    throw new AssertionError("after the half-close, echo " + i + " of " + sent.size()
                        + " failed: " + e + "; " + backend, e);
                }
                assertNotNull("after the half-close, the tunnel ended before echo " + i + " of " + sent.size()
                    + "; " + backend, echo);
                RawWebSocket.Frame expected = sent.get(i);
                assertEquals("echo " + i + ": opcode", expected.opcode(), echo.opcode());
                assertTrue("echo " + i + ": FIN", echo.fin());
                assertArrayEquals("echo " + i + ": payload (" + expected.payload().length + " bytes)",
                    expected.payload(), echo.payload());
            }
            String end;
            try {
                end = ws.readToEnd();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("after every echo, the tunnel stayed open for " + READ_TIMEOUT_MS
                    + " ms; " + backend, e);
            }
            System.out.println("[WsTunnelIT] half-close: " + sent.size() + " frames (" + total + " bytes) sent, FIN, "
                + "every echo received, then " + end + "; " + backend);
            assertEquals("after every echo, the connection ends in order", "EOF", end);
        }
        await("the backend to see the client's FIN passed on", () -> backend.finsSeen() == finsBefore + 1);
        assertEquals("the backend met no I/O error", List.of(), backend.errors());
    }

    // ================================================================== 5. editing the route

    @Test
    public void editingTheRouteDuringTrafficBreaksNoOpenTunnel() throws Exception {
        WsEchoBackend a = wsEchoBackend("A5");
        WsEchoBackend b = wsEchoBackend("B5");
        writeRoute("ws5", a.url());
        RawWebSocket old = awaitEchoingTunnel("/ws5/old", a);
        closeAfter.add(old);
        long aFramesBefore = a.framesEchoed();

        // the open tunnel exchanges messages without pause while the route is rewritten
        EchoLoop traffic = new EchoLoop(old);
        Thread trafficThread = new Thread(traffic, "ws5-old-tunnel");
        trafficThread.setDaemon(true);
        trafficThread.start();
        int aAccepted;
        long echoesAtSwitch;
        long bFrames;
        List<RawWebSocket> fresh = new ArrayList<>();
        try {
            await("the old tunnel to carry traffic", () -> traffic.echoes.get() >= 20 || traffic.failure != null);

            writeRoute("ws5", b.url());

            awaitEchoingTunnel("/ws5/new", b).close();
            aAccepted = a.accepted();
            echoesAtSwitch = traffic.echoes.get();
            bFrames = b.framesEchoed();
            // new handshakes go to B, side by side with the old tunnel still on A
            for (int i = 0; i < 5; i++) {
                RawWebSocket ws = RawWebSocket.open(listenerPort(), "/ws5/new" + i, 0, READ_TIMEOUT_MS);
                closeAfter.add(ws);
                fresh.add(ws);
                assertEquals("new handshake " + i + " after the edit: " + ws.describe(), 101, ws.status());
                assertEquals("new handshake " + i + " after the edit reaches B: " + ws.describe(), "B5",
                    ws.header("X-Backend"));
            }
            for (int round = 0; round < 20; round++) {
                for (RawWebSocket ws : fresh) {
                    assertEcho(ws, "new " + round);
                }
            }
            // proxy:tunnels shows the old tunnel under the generation and backend it was opened with
            // columns: Client | Backend | Route | Gen | Age | To backend | To client
            String tunnels = executeCommand("proxy:tunnels ws5");
            List<String> oldRow = tableRow(tunnels, 0, "127.0.0.1:" + old.localPort());
            assertEquals("the old tunnel stays on A:\n" + tunnels, "127.0.0.1:" + a.port(), oldRow.get(1));
            for (RawWebSocket ws : fresh) {
                List<String> row = tableRow(tunnels, 0, "127.0.0.1:" + ws.localPort());
                assertEquals("a new tunnel is on B:\n" + tunnels, "127.0.0.1:" + b.port(), row.get(1));
                assertTrue("a new tunnel is of a later generation than the old one:\n" + tunnels,
                    Long.parseLong(row.get(3)) > Long.parseLong(oldRow.get(3)));
            }
            String routes = executeCommand("proxy:routes ws5");
            // columns: Name | Path/Match | URL | Order | Gen | Handler | Requests | Tunnels | Errors
            assertEquals("the route's generation is the new tunnels':\n" + routes + tunnels,
                tableRow(tunnels, 0, "127.0.0.1:" + fresh.get(0).localPort()).get(3), tableRow(routes, 0, "ws5").get(4));
            await("the old tunnel to go on echoing after the edit",
                () -> traffic.echoes.get() >= echoesAtSwitch + 100 || traffic.failure != null);
        } finally {
            traffic.stop.set(true);
            trafficThread.join(TIMEOUT.toMillis());
        }
        String figures = "old tunnel: " + traffic.echoes.get() + " echoes (" + echoesAtSwitch + " by the time new "
            + "handshakes reached B), failure " + traffic.failure + "; " + a + "; " + b;
        System.out.println("[WsTunnelIT] route edit during traffic: " + figures);
        assertEquals("the open tunnel kept echoing through the edit; " + figures, null, traffic.failure);
        assertTrue("the old tunnel's traffic stopped when told; " + figures, !trafficThread.isAlive());
        assertEquals("every message of the open tunnel was echoed by A; " + figures, traffic.echoes.get(),
            a.framesEchoed() - aFramesBefore);
        assertEquals("the new tunnels' messages were echoed by B; " + figures, 5 * 20, b.framesEchoed() - bFrames);
        assertEquals("no new connection reached A after the edit; " + figures, aAccepted, a.accepted());

        // the old tunnel closes normally, on A
        old.sendClose(1000);
        RawWebSocket.Frame close = old.readFrame();
        assertNotNull("A answered the close", close);
        assertEquals("A answered the close with a close: " + close, RawWebSocket.CLOSE, close.opcode());
        assertEquals("close code", 1000, close.closeCode());
        old.shutdownOutput();
        assertEquals("then the old tunnel ends in order", "EOF", old.readToEnd());
        for (RawWebSocket ws : fresh) {
            ws.sendClose(1000);
            RawWebSocket.Frame answer = ws.readFrame();
            assertEquals("B answered the close: " + answer, 1000, answer == null ? -1 : answer.closeCode());
            ws.shutdownOutput();
            assertEquals("then the new tunnel ends in order", "EOF", ws.readToEnd());
        }
        await("every tunnel to end at A and B", () -> a.open() == 0 && b.open() == 0);
        assertEquals("A met no I/O error", List.of(), a.errors());
        assertEquals("B met no I/O error", List.of(), b.errors());
    }

    /** Sends text messages on a tunnel one after another, each checked against its echo, until told to stop. */
    private static final class EchoLoop implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong echoes = new AtomicLong();
        volatile String failure;
        private final RawWebSocket ws;

        EchoLoop(RawWebSocket ws) {
            this.ws = ws;
        }

        @Override
        public void run() {
            for (long i = 0; !stop.get(); i++) {
                String text = "old tunnel message " + i;
                try {
                    ws.sendText(text);
                    RawWebSocket.Frame echo = ws.readFrame();
                    if (echo == null || echo.opcode() != RawWebSocket.TEXT || !text.equals(echo.text())) {
                        failure = "message " + i + ": got " + echo;
                        return;
                    }
                    echoes.incrementAndGet();
                } catch (IOException | RuntimeException e) {
                    failure = "message " + i + ": " + e;
                    return;
                }
            }
        }
    }

    // ================================================================== 6. the module comes and goes

    @Test
    public void uninstallingPasserelleWstunnelClosesItsTunnelsAndItsRoutesAnswer503ThenInstallRestores()
            throws Exception {
        WsEchoBackend echo = wsEchoBackend("E6");
        TestBackend http = startBackend("H6");
        writeRoute("ws6", echo.url());
        writeCfg("io.passerelle.route-h6.cfg", "path", "/h6/", "url", http.url());
        awaitHttp("/h6/x", 200, http.bodyFor("/x"));
        RawWebSocket tunnel = awaitEchoingTunnel("/ws6/t", echo);
        closeAfter.add(tunnel);
        assertEcho(tunnel, "before the uninstall");
        String tunnels = executeCommand("proxy:tunnels ws6");
        assertTrue("proxy:tunnels lists the open tunnel of ws6 and its backend:\n" + tunnels,
            tunnels.contains("ws6") && tunnels.contains("127.0.0.1:" + echo.port()));

        HttpWatch watch = new HttpWatch(http);
        Thread watcher = new Thread(watch, "ws6-http-watch");
        watcher.setDaemon(true);
        watcher.start();
        String routesWithout;
        String tunnelEnd;
        String routesAgain;
        int okBeforeUninstall;
        int okWhileUninstalled;
        try {
            await("the http route to answer while watched", () -> watch.ok.get() >= 3);
            okBeforeUninstall = watch.ok.get();

            executeCommand("feature:uninstall " + WSTUNNEL_FEATURE);

            // the open tunnel ends with a 1001 close frame to both ends (SPEC 4.9), then closes
            try {
                tunnelEnd = goingAwayThenEnd(tunnel);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the tunnel stayed open " + READ_TIMEOUT_MS + " ms after the uninstall; "
                    + echo, e);
            }
            await("the backend to see its tunnel end", () -> echo.open() == 0);
            assertEquals("the backend got a masked 1001", List.of("masked 1001"), echo.closesReceived());

            // new upgrades answer 503, and the route shows what it waits for
            RawWebSocket refused = poll(TIMEOUT, () -> {
                RawWebSocket ws = RawWebSocket.open(listenerPort(), "/ws6/u", 0, READ_TIMEOUT_MS);
                ws.close();
                return ws.status() == 503 ? ws : null;
            });
            assertNotNull("an upgrade on ws6 answers 503 once passerelle-wstunnel is gone", refused);
            int acceptedWithout = echo.accepted();
            RawWebSocket again503 = RawWebSocket.open(listenerPort(), "/ws6/u2", 0, READ_TIMEOUT_MS);
            again503.close();
            assertEquals("another upgrade answers 503: " + again503.describe(), 503, again503.status());
            assertEquals("nothing reaches the ws backend meanwhile", acceptedWithout, echo.accepted());
            routesWithout = executeCommand("proxy:routes ws6");
            assertTrue("ws6 waits for passerelle-wstunnel in:\n" + routesWithout,
                routesWithout.contains("waiting for passerelle-wstunnel"));
            int okAt503 = watch.ok.get();
            await("the http route to answer while passerelle-wstunnel is gone", () -> watch.ok.get() >= okAt503 + 3);
            okWhileUninstalled = watch.ok.get() - okBeforeUninstall;

            executeCommand("feature:install " + WSTUNNEL_FEATURE);

            RawWebSocket back = awaitEchoingTunnel("/ws6/back", echo);
            closeAfter.add(back);
            assertEcho(back, "after the install");
            back.sendClose(1000);
            assertEquals("the close handshake after the install", 1000, back.readFrame().closeCode());
            routesAgain = executeCommand("proxy:routes ws6");
            int okAfter = watch.ok.get();
            await("the http route to answer after the install", () -> watch.ok.get() >= okAfter + 3);
        } finally {
            watch.stop.set(true);
            watcher.join(TIMEOUT.toMillis());
            if (bundle(WSTUNNEL_BUNDLE) == null) {
                executeCommand("feature:install " + WSTUNNEL_FEATURE); // leave Karaf as booted
            }
        }
        String figures = "tunnel ended by the uninstall: " + tunnelEnd + "; http route h6: " + watch.ok.get()
            + " answers 200 (" + okWhileUninstalled + " while passerelle-wstunnel was gone), " + watch.failures.get()
            + " others, e.g. " + List.copyOf(watch.samples);
        System.out.println("[WsTunnelIT] " + figures + "\n[WsTunnelIT] proxy:routes ws6 without the module:\n"
            + routesWithout + "[WsTunnelIT] and after its install:\n" + routesAgain);
        assertEquals("the http route answered 200 throughout; " + figures, 0, watch.failures.get());
        assertTrue("ws6 is active again in:\n" + routesAgain, routesAgain.contains("active"));
    }

    /**
     * README: a tunnel after a 101 on an http:// route is served by passerelle-http, and uninstalling it ends
     * that tunnel as uninstalling passerelle-wstunnel ends its own (SPEC 4.9: stopping a module ends what it
     * serves, a WebSocket with a 1001 close frame to both ends); the route answers 503 meanwhile and tunnels
     * again once the module is back.
     */
    @Test
    public void uninstallingPasserelleHttpEndsTheTunnelsOfItsRoutesWith1001AndInstallRestores() throws Exception {
        WsEchoBackend echo = wsEchoBackend("E7");
        writeCfg("io.passerelle.route-h7.cfg", "path", "/h7/", "url", "http://127.0.0.1:" + echo.port() + "/",
            "upgrade", "websocket");
        RawWebSocket tunnel = awaitEchoingTunnel("/h7/t", echo);
        closeAfter.add(tunnel);
        assertEcho(tunnel, "before the uninstall");
        tableRow(executeCommand("proxy:tunnels h7"), 0, "127.0.0.1:" + tunnel.localPort());
        String tunnelEnd;
        try {
            executeCommand("feature:uninstall passerelle-http");
            try {
                tunnelEnd = goingAwayThenEnd(tunnel);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the tunnel stayed open " + READ_TIMEOUT_MS + " ms after the uninstall; "
                    + echo, e);
            }
            await("the backend to see its tunnel end", () -> echo.open() == 0);
            assertEquals("the backend got a masked 1001", List.of("masked 1001"), echo.closesReceived());
            RawWebSocket refused = poll(TIMEOUT, () -> {
                RawWebSocket ws = RawWebSocket.open(listenerPort(), "/h7/u", 0, READ_TIMEOUT_MS);
                ws.close();
                return ws.status() == 503 ? ws : null;
            });
            assertNotNull("a new upgrade on h7 answers 503 once passerelle-http is gone", refused);
            assertTrue("proxy:tunnels lists no tunnel of h7 any more",
                !executeCommand("proxy:tunnels h7").contains("127.0.0.1:" + tunnel.localPort()));
        } finally {
            if (bundle("io.passerelle.http") == null) {
                executeCommand("feature:install passerelle-http"); // leave Karaf as booted
            }
        }
        System.out.println("[WsTunnelIT] tunnel of an http:// route at the uninstall of passerelle-http: " + tunnelEnd);
        RawWebSocket back = awaitEchoingTunnel("/h7/back", echo);
        closeAfter.add(back);
        assertEcho(back, "after the install");
        back.sendClose(1000);
        assertEquals("the close handshake after the install", 1000, back.readFrame().closeCode());
        deleteCfg("io.passerelle.route-h7.cfg");
    }

    /**
     * SPEC 4.10 and issue 11: proxy:import-httpd on the seed configurations of SPEC 9 (mod_proxy_wstunnel's
     * examples: ProxyPass, ProxyPassMatch and the Upgrade rewrite, with this test's backend for their hosts, in a
     * VirtualHost) writes files that, in etc/, serve the same WebSocket cases as hand-written routes; --dry-run
     * writes nothing, and a second import leaves the files alone.
     */
    @Test
    public void importHttpdOfTheSeedConfigurationsServesTheSameWebSockets() throws Exception {
        WsEchoBackend echo = wsEchoBackend("I1");
        String ws = "ws://127.0.0.1:" + echo.port() + "/";
        Path conf = Files.createTempFile("httpd-seed", ".conf");
        Files.writeString(conf, String.join("\n",
            "<VirtualHost *:80>",
            "    ProxyPass \"/imp-ws2/\" \"" + ws + "\"",
            "    ProxyPassMatch ^/(impApp/ws)$ " + ws + "$1",
            "    RewriteEngine on",
            "    RewriteCond %{HTTP:Upgrade} websocket [NC]",
            "    RewriteCond %{HTTP:Connection} upgrade [NC]",
            "    RewriteRule ^/imp-rw/(.*) \"" + ws + "$1\" [P,L]",
            "</VirtualHost>", ""));
        List<String> files = List.of("io.passerelle.route-imp-ws2.cfg", "io.passerelle.route-impApp-ws.cfg",
            "io.passerelle.rewrite-httpd.cfg");
        try {
            String dry = executeCommand("proxy:import-httpd --dry-run " + conf);
            assertTrue(dry, dry.contains("--- etc/io.passerelle.route-imp-ws2.cfg (would be written)"));
            assertTrue(dry, dry.contains("line 1: <VirtualHost: read as if its directives stood at the top level"));
            for (String f : files) {
                assertTrue("--dry-run writes nothing: " + f, !Files.exists(karafEtc().resolve(f)));
            }

            String out = executeCommand("proxy:import-httpd " + conf);
            assertTrue(out, out.contains("3 file(s): 3 written, 0 left alone"));
            RawWebSocket viaPass = awaitEchoingTunnel("/imp-ws2/x", echo);
            closeAfter.add(viaPass);
            assertEcho(viaPass, "through the imported ProxyPass");
            RawWebSocket viaMatch = awaitEchoingTunnel("/impApp/ws", echo);
            closeAfter.add(viaMatch);
            assertEcho(viaMatch, "through the imported ProxyPassMatch");
            RawWebSocket viaRewrite = awaitEchoingTunnel("/imp-rw/y", echo);
            closeAfter.add(viaRewrite);
            assertEcho(viaRewrite, "through the imported RewriteRule [P]");
            List<String> paths = echo.paths();
            assertTrue("the backend saw what httpd would send it: " + paths,
                paths.contains("/x") && paths.contains("/impApp/ws") && paths.contains("/y"));

            String again = executeCommand("proxy:import-httpd " + conf);
            assertTrue(again, again.contains("(exists: left alone (--force overwrites it))")
                && again.contains("3 file(s): 0 written, 3 left alone"));
        } finally {
            for (String f : files) {
                deleteCfg(f);
            }
            Files.deleteIfExists(conf);
        }
    }

    /** SPEC 4.9: a close frame with status 1001 (going away), then the end of the connection. */
    private static String goingAwayThenEnd(RawWebSocket tunnel) throws IOException {
        RawWebSocket.Frame frame = tunnel.readFrame();
        assertNotNull("a close frame before the end", frame);
        assertEquals("a close frame", RawWebSocket.CLOSE, frame.opcode());
        assertEquals("status 1001 (going away)", 1001, frame.closeCode());
        String end = tunnel.readToEnd();
        assertEquals("then the end", "EOF", end);
        return "1001, then " + end;
    }

    // ================================================================== reconfiguration under load

    private static final int SOAK_TUNNELS = 500;
    private static final Duration SOAK = Duration.ofMinutes(2);

    /**
     * Issue 11 and SPEC 8 ("nothing is lost on reconfiguration"): two minutes of HTTP load and 500 open WebSocket
     * tunnels (each echoing in turn) while the test performs at least 50 reconfigurations (routes added, edited and
     * removed, the loaded HTTP route itself edited, a balancer, a rewrite set, a listener that carries none of the
     * traffic) and 10 uninstall/install cycles of modules that carry none of it (passerelle-rewrite and
     * passerelle-balancer). No request fails, no tunnel breaks, and proxy:routes counts what the load sent.
     */
    @Test
    public void reconfigurationUnderLoadDropsNoRequestAndNoTunnel() throws Exception {
        TestBackend http = startBackend("S1");
        WsEchoBackend echo = wsEchoBackend("S2");
        writeCfg("io.passerelle.route-soak-h.cfg", "path", "/soak-h/", "url", http.url(), "timeout", "60s");
        writeCfg("io.passerelle.route-soak-ws.cfg", "path", "/soak-ws/", "url", echo.url());
        int port = listenerPort();
        awaitHttp("/soak-h/warm", 200, http.bodyFor("/warm"));
        List<RawWebSocket> tunnels = new ArrayList<>();
        for (int i = 0; i < SOAK_TUNNELS; i++) {
            RawWebSocket ws = RawWebSocket.open(port, "/soak-ws/t" + i, 0, READ_TIMEOUT_MS);
            closeAfter.add(ws);
            assertEquals("tunnel " + i + ": " + ws.describe(), 101, ws.status());
            tunnels.add(ws);
        }
        long requestsBefore = Long.parseLong(tableRow(executeCommand("proxy:routes soak-h"), 0, "soak-h").get(6));

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger httpOk = new AtomicInteger();
        AtomicInteger httpSent = new AtomicInteger();
        AtomicInteger echoes = new AtomicInteger();
        Queue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> load = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            int thread = t;
            load.add(new Thread(() -> {
                for (int i = 0; !stop.get(); i++) {
                    String path = "/soak-h/" + thread + "-" + i;
                    httpSent.incrementAndGet();
                    try {
                        HttpResult r = RawHttp.exchange(port, "GET", path, null);
                        if (r.status() == 200 && r.body().equals(http.bodyFor("/" + thread + "-" + i))) {
                            httpOk.incrementAndGet();
                        } else if (failures.size() < 10) {
                            failures.add("GET " + path + ": " + r);
                        }
                    } catch (IOException e) {
                        if (failures.size() < 10) {
                            failures.add("GET " + path + ": " + e);
                        }
                    }
                }
            }, "soak-http-" + t));
        }
        load.add(new Thread(() -> {
            for (int i = 0; !stop.get(); i++) {
                RawWebSocket ws = tunnels.get(i % SOAK_TUNNELS);
                String text = "m" + i;
                try {
                    ws.sendText(text);
                    RawWebSocket.Frame f = ws.readFrame();
                    if (f != null && text.equals(f.text())) {
                        echoes.incrementAndGet();
                    } else if (failures.size() < 10) {
                        failures.add("tunnel " + (i % SOAK_TUNNELS) + ": " + f);
                    }
                } catch (IOException e) {
                    if (failures.size() < 10) {
                        failures.add("tunnel " + (i % SOAK_TUNNELS) + ": " + e);
                    }
                }
            }
        }, "soak-ws"));
        load.forEach(Thread::start);

        int reconfigurations = 0;
        int cycles = 0;
        long start = System.nanoTime();
        try {
            // two minutes at least, and until the 50 reconfigurations and 10 cycles are done (bounded)
            for (int i = 0; (System.nanoTime() - start < SOAK.toNanos() || reconfigurations < 50 || cycles < 10)
                && System.nanoTime() - start < SOAK.multipliedBy(3).toNanos(); i++) {
                switch (i % 6) {
                    case 0 -> writeCfg("io.passerelle.route-soak-o" + (i % 4) + ".cfg", "path", "/soak-o" + i + "/",
                        "url", http.url());
                    case 1 -> writeCfg("io.passerelle.route-soak-h.cfg", "path", "/soak-h/", "url", http.url(),
                        "timeout", (60 + i % 2) + "s");
                    case 2 -> writeCfg("io.passerelle.balancer-soak-b.cfg", "members", http.url() + " loadfactor="
                        + (1 + i % 5));
                    case 3 -> writeCfg("io.passerelle.rewrite-soak-r.cfg", "rules",
                        "RewriteEngine on \\\n RewriteRule ^/soak-gone" + i + "$ - [G]");
                    case 4 -> writeCfg("io.passerelle.listener-soak-l.cfg", "port", "0", "host", "127.0.0.1",
                        "header.max.count", Integer.toString(50 + i));
                    default -> deleteCfg("io.passerelle.route-soak-o" + ((i + 2) % 4) + ".cfg");
                }
                reconfigurations++;
                if (i % 5 == 4 && cycles < 10) {
                    String feature = cycles % 2 == 0 ? "passerelle-rewrite" : "passerelle-balancer";
                    executeCommand("feature:uninstall -r " + feature);
                    executeCommand("feature:install -r " + feature);
                    cycles++;
                }
            }
        } finally {
            stop.set(true);
            for (Thread t : load) {
                t.join(60_000);
            }
        }
        deleteCfg("io.passerelle.listener-soak-l.cfg");

        System.out.println("[WsTunnelIT] reconfiguration soak: " + reconfigurations + " reconfigurations, " + cycles
            + " uninstall/install cycles, " + httpOk.get() + " of " + httpSent.get() + " GETs answered, "
            + echoes.get() + " echoes over " + SOAK_TUNNELS + " tunnels; failures " + failures);
        assertTrue("at least 50 reconfigurations: " + reconfigurations, reconfigurations >= 50);
        assertEquals("uninstall/install cycles", 10, cycles);
        assertEquals("failures: " + failures, List.of(), List.copyOf(failures));
        assertEquals("every GET answered", httpSent.get(), httpOk.get());
        assertTrue("the tunnels echoed throughout: " + echoes.get(), echoes.get() > SOAK_TUNNELS);
        for (int i = 0; i < SOAK_TUNNELS; i++) {
            assertEcho(tunnels.get(i), "still open " + i);
        }
        List<String> row = tableRow(executeCommand("proxy:routes soak-ws"), 0, "soak-ws");
        assertEquals("proxy:routes counts the open tunnels", Integer.toString(SOAK_TUNNELS), row.get(7));
        long requests = Long.parseLong(tableRow(executeCommand("proxy:routes soak-h"), 0, "soak-h").get(6));
        assertEquals("proxy:routes counts the GETs the load sent", httpSent.get(), requests - requestsBefore);
        assertEquals("the WebSocket backend saw no error: " + echo.errors(), 0, echo.errors().size());
    }

    /** GETs an http route over and over (about 50 a second) until told to stop, counting what it answers. */
    private final class HttpWatch implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicInteger ok = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        final Queue<String> samples = new ConcurrentLinkedQueue<>();
        private final TestBackend backend;

        HttpWatch(TestBackend backend) {
            this.backend = backend;
        }

        @Override
        public void run() {
            for (int i = 0; !stop.get(); i++) {
                String path = "/h6/n" + i;
                try {
                    HttpResult answer = httpGet(path);
                    if (answer.status() == 200 && backend.bodyFor("/n" + i).equals(answer.body())) {
                        ok.incrementAndGet();
                    } else {
                        failures.incrementAndGet();
                        sample("GET " + path + ": " + answer);
                    }
                } catch (IOException e) {
                    failures.incrementAndGet();
                    sample("GET " + path + ": " + e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // pacing, not synchronisation
            }
        }

        private void sample(String failure) {
            if (samples.size() < 5) {
                samples.add(failure);
            }
        }
    }

    // ================================================================== helpers

    private WsEchoBackend wsEchoBackend(String id) throws IOException {
        WsEchoBackend backend = WsEchoBackend.echo(id);
        wsBackends.add(backend);
        return backend;
    }

    /** {@code etc/io.passerelle.route-NAME.cfg}: {@code path = /NAME/}, {@code url = URL}. */
    private void writeRoute(String name, String url) throws Exception {
        writeCfg("io.passerelle.route-" + name + ".cfg", "path", "/" + name + "/", "url", url);
    }

    /**
     * Opens tunnels to {@code path} until one reaches {@code backend} (its 101 carries the
     * backend's X-Backend, the Sec-WebSocket-Accept matches the key sent) and echoes a text
     * message; returns that one, open. Other answers (a route not yet in place) count as "not yet".
     */
    private RawWebSocket awaitEchoingTunnel(String path, WsEchoBackend backend) {
        Object[] last = {"no attempt"};
        RawWebSocket ws = poll(TIMEOUT, () -> {
            RawWebSocket attempt = RawWebSocket.open(listenerPort(), path, 0, READ_TIMEOUT_MS);
            try {
                last[0] = attempt.describe();
                if (attempt.status() != 101 || !backend.id().equals(attempt.header("X-Backend"))
                        || !attempt.acceptMatches()) {
                    attempt.close();
                    return null;
                }
                String probe = "probe " + System.nanoTime();
                attempt.sendText(probe);
                RawWebSocket.Frame echo = attempt.readFrame();
                last[0] = attempt.describe() + ", then " + echo;
                if (echo == null || echo.opcode() != RawWebSocket.TEXT || !probe.equals(echo.text())) {
                    attempt.close();
                    return null;
                }
                return attempt;
            } catch (IOException | RuntimeException e) {
                last[0] = e;
                attempt.close();
                throw e;
            }
        });
        if (ws == null) {
            throw new AssertionError("no tunnel through " + path + " to " + backend + " within " + TIMEOUT
                + "; last answer: " + last[0]);
        }
        return ws;
    }

    /** Opens a tunnel that must reach {@code backend} at once. */
    private RawWebSocket openTunnel(String path, WsEchoBackend backend) throws IOException {
        RawWebSocket ws = RawWebSocket.open(listenerPort(), path, 0, READ_TIMEOUT_MS);
        closeAfter.add(ws);
        assertEquals("the handshake through " + path + ": " + ws.describe(), 101, ws.status());
        assertEquals("the handshake reached " + backend.id() + ": " + ws.describe(), backend.id(),
            ws.header("X-Backend"));
        assertTrue("Sec-WebSocket-Accept matches the key sent: " + ws.describe(), ws.acceptMatches());
        return ws;
    }

    /** Sends a text message and checks its echo. */
    private static void assertEcho(RawWebSocket ws, String text) throws IOException {
        ws.sendText(text);
        RawWebSocket.Frame echo = ws.readFrame();
        assertNotNull("the echo of '" + text + "' (the tunnel ended)", echo);
        assertEquals("the echo of '" + text + "': " + echo, RawWebSocket.TEXT, echo.opcode());
        assertEquals("the echo of '" + text + "'", text, new String(echo.payload(), UTF_8));
    }

    private static void closeQuietly(RawWebSocket ws) {
        if (ws != null) {
            try {
                ws.close();
            } catch (IOException e) {
                // closed anyway
            }
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    private static long remainingNanos(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
