package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.vmOption;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The HTTP proxy streams bodies in both directions without aggregating them, and reuses its
 * keep-alive backend connections (SPEC 3.6, 4.4): real traffic through the proxy's listener
 * to backends on ephemeral loopback ports, routed by route files written into etc/.
 *
 * <p>The test methods run inside the Karaf under test, so {@code java.lang.management} shows
 * the proxy's own heap. The clients here and the backends ({@link StreamingBackend}) hold one
 * 64 KiB buffer each and generate or hash bodies on the fly, so what the heap figures show
 * beyond that is the proxy's. The figures are printed (System.out, in the failsafe output of
 * this class) and stated in the assertion messages. This class's Karaf runs with the young
 * generation capped (see {@link #config()}) so that the heap used sampled during a transfer is
 * not mostly uncollected garbage.
 *
 * <p>Karaf boots once for this class; each test uses its own route and removes its file.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HttpStreamingIT extends PasserelleTestSupport {

    private static final long MIB = HeapWatch.MIB;
    private static final long GIB = 1024 * MIB;

    /** Young generation cap of the Karaf under test (see {@link #config()}). */
    private static final long YOUNG_GENERATION_MAX = 64 * MIB;
    /**
     * Heap used after GC may grow by less than this over one transfer. Measured: +0.0 to +0.2 MiB
     * for 1 GiB (README, "Other figures").
     */
    private static final long HEAP_GROWTH_LIMIT = 2 * MIB;
    /**
     * Heap used outside eden (what survived a collection) sampled during a transfer stays under the
     * baseline plus this: what the proxy holds for one transfer is its 256 KiB watermarks per
     * direction and its read buffers. Measured: +0.4 to +0.5 MiB.
     */
    private static final long HEAP_HELD_LIMIT = 4 * MIB;
    /**
     * Heap used sampled during a transfer stays under the baseline plus this: the capped young
     * generation's garbage plus what is held. Measured: +48 to +52 MiB.
     */
    private static final long HEAP_PEAK_LIMIT = YOUNG_GENERATION_MAX + 8 * MIB;

    /** A transfer that takes longer than this is cut (its socket closed) and fails. */
    private static final Duration TRANSFER_DEADLINE = Duration.ofSeconds(60);
    private static final int SOCKET_TIMEOUT_MS = 30_000;

    private static final int CLIENTS = 64;
    private static final int REQUESTS_PER_CLIENT = 200;

    /**
     * Cuts transfers that outlive {@link #TRANSFER_DEADLINE}. One daemon thread, never shut down:
     * Pax Exam runs each test method in the container as a request of its own, with the class's
     * {@code @AfterClass} after each one, and it dies with the Karaf under test.
     */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "http-streaming-it-watchdog");
        t.setDaemon(true);
        return t;
    });

    /**
     * The distribution as {@link PasserelleTestSupport} boots it, with the young generation
     * capped at 64 MiB. The heap used sampled during a transfer is live data plus garbage not
     * yet collected, and on the JVM's default heap (a quarter of the machine's memory) G1 lets
     * eden grow to hundreds of MiB of garbage before collecting: a first run of this class,
     * uncapped, sampled peaks of baseline +144 MiB (upload) and +160 MiB (download) while the
     * heap outside eden stayed within +0.5 MiB of the baseline. With eden capped, the sampled
     * heap used is live data plus at most 64 MiB of garbage, so the bound of 64 + 8 MiB is about what
     * the proxy holds, and a body the proxy held would be promoted out of eden within
     * milliseconds. The maximum heap is left at the JVM's default, as bin/karaf leaves it.
     */
    @Override
    @Configuration
    public Option[] config() {
        Option[] options = super.config();
        Option[] capped = Arrays.copyOf(options, options.length + 1);
        capped[options.length] = vmOption("-XX:MaxNewSize=" + YOUNG_GENERATION_MAX / MIB + "m");
        return capped;
    }

    // ------------------------------------------------------------------ request bodies

    @Test
    public void oneGibRequestBodyStreamsThroughWithItsSha256Intact() throws Exception {
        uploadThroughTheProxy("stream-up", GIB, false);
    }

    @Test
    public void chunkedRequestBodyOf256MibStreamsThroughWithItsSha256Intact() throws Exception {
        uploadThroughTheProxy("stream-chunked", 256 * MIB, true);
    }

    private void uploadThroughTheProxy(String route, long size, boolean chunked) throws Exception {
        try (StreamingBackend backend = StreamingBackend.start()) {
            writeCfg("io.passerelle.route-" + route + ".cfg", "path", "/" + route + "/", "url", backend.url());
            awaitHttp("/" + route + "/ping", 200, "pong");

            HeapWatch heap = HeapWatch.start();
            Transfer upload;
            HeapWatch.Figures figures;
            try {
                upload = upload("/" + route + "/upload", size, chunked, 0x5EED0001L + size);
            } finally {
                figures = heap.stop();
            }

            String what = String.format(Locale.ROOT, "%s upload of %d MiB (%s)", chunked ? "chunked" : "Content-Length",
                size / MIB, upload.throughput());
            report(what, figures);
            assertEquals(what + ": status; body " + upload.body, 200, upload.status);
            assertEquals(what + ": the backend received every byte, with the SHA-256 the client sent",
                "sha256=" + upload.digest + " bytes=" + size, upload.body);
            assertHeap(what, figures);
        }
    }

    /**
     * POSTs {@code size} generated bytes to the proxy, with a Content-Length or chunked (chunk
     * sizes from 1 byte to 64 KiB), hashing them as they are written, and reads the answer.
     */
    private Transfer upload(String path, long size, boolean chunked, long seed) throws IOException {
        StreamingBackend.Pattern pattern = new StreamingBackend.Pattern(seed);
        MessageDigest sha256 = StreamingBackend.sha256();
        byte[] buffer = new byte[StreamingBackend.BUFFER_SIZE];
        long start = System.nanoTime();
        try (Socket socket = connect(); Deadline deadline = new Deadline(socket, TRANSFER_DEADLINE)) {
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 2 * StreamingBackend.BUFFER_SIZE);
            String head = "POST " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + listenerPort() + "\r\n"
                + "Content-Type: application/octet-stream\r\n"
                + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n")
                + "Connection: close\r\n\r\n";
            long sent = 0;
            try {
                out.write(head.getBytes(US_ASCII));
                for (int chunk = 0; sent < size; chunk++) {
                    // chunked: sizes vary over 1 B .. 64 KiB, so chunk boundaries fall anywhere in the proxy's reads
                    int limit = chunked ? 1 + (int) ((chunk * 40_503L) % buffer.length) : buffer.length;
                    int n = (int) Math.min(limit, size - sent);
                    pattern.fill(buffer, n);
                    sha256.update(buffer, 0, n);
                    if (chunked) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(US_ASCII));
                    }
                    out.write(buffer, 0, n);
                    if (chunked) {
                        out.write('\r');
                        out.write('\n');
                    }
                    sent += n;
                }
                if (chunked) {
                    out.write("0\r\n\r\n".getBytes(US_ASCII));
                }
                out.flush();
            } catch (IOException e) {
                throw new AssertionError(deadline.describe("the upload failed after " + sent + " of " + size
                    + " bytes: " + e + "; the proxy answered: " + answerIfAny(socket)), e);
            }
            try {
                HttpResult answer = RawHttp.read(new BufferedInputStream(socket.getInputStream()), false);
                return new Transfer(answer.status(), answer.body(), HexFormat.of().formatHex(sha256.digest()),
                    size, System.nanoTime() - start);
            } catch (IOException e) {
                throw new AssertionError(deadline.describe("no answer after the whole upload of " + size
                    + " bytes: " + e), e);
            }
        }
    }

    private static String answerIfAny(Socket socket) {
        try {
            socket.setSoTimeout(2_000);
            return RawHttp.read(new BufferedInputStream(socket.getInputStream()), false).toString();
        } catch (IOException e) {
            return "nothing (" + e + ")";
        }
    }

    // ------------------------------------------------------------------ response bodies

    @Test
    public void oneGibResponseBodyStreamsThroughWithItsSha256Intact() throws Exception {
        try (StreamingBackend backend = StreamingBackend.start()) {
            writeCfg("io.passerelle.route-stream-down.cfg", "path", "/stream-down/", "url", backend.url());
            awaitHttp("/stream-down/ping", 200, "pong");

            String id = "d" + System.nanoTime();
            HeapWatch heap = HeapWatch.start();
            Transfer download;
            HeapWatch.Figures figures;
            try {
                download = download("/stream-down/download?id=" + id + "&bytes=" + GIB + "&seed=" + 0x5EED0002L, GIB);
            } finally {
                figures = heap.stop();
            }

            String what = String.format(Locale.ROOT, "download of %d MiB (%s, %s)", GIB / MIB, download.body,
                download.throughput());
            report(what, figures);
            assertEquals(what + ": status", 200, download.status);
            assertEquals(what + ": bytes received", GIB, download.bytes);
            String sent = poll(TIMEOUT, () -> backend.sentDigest(id));
            assertNotNull("the backend finished sending " + id, sent);
            assertEquals(what + ": the client read what the backend sent (SHA-256)", sent, download.digest);
            assertHeap(what, figures);
        }
    }

    /**
     * GETs {@code path} through the proxy and reads the body (Content-Length or chunked) in
     * 64 KiB reads into a SHA-256. The transfer's body field names the framing the proxy used.
     */
    private Transfer download(String path, long expected) throws IOException {
        MessageDigest sha256 = StreamingBackend.sha256();
        byte[] buffer = new byte[StreamingBackend.BUFFER_SIZE];
        long start = System.nanoTime();
        try (Socket socket = connect(); Deadline deadline = new Deadline(socket, TRANSFER_DEADLINE)) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + listenerPort() + "\r\n"
                + "Connection: close\r\n\r\n").getBytes(US_ASCII));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream(), StreamingBackend.BUFFER_SIZE);
            long received = 0;
            try {
                String statusLine = readLine(in);
                String[] parts = statusLine.split(" ", 3);
                int status = Integer.parseInt(parts[1]);
                Map<String, String> headers = readHeaders(in);
                String contentLength = headers.get("content-length");
                String transferEncoding = headers.get("transfer-encoding");
                String framing;
                if (status != 200) {
                    return new Transfer(status, statusLine + " " + headers, null, 0, System.nanoTime() - start);
                } else if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
                    framing = "chunked";
                    for (long chunk = chunkSize(in); chunk > 0; chunk = chunkSize(in)) {
                        received += hashExactly(in, chunk, sha256, buffer);
                        readLine(in);
                    }
                    readHeaders(in); // trailer
                } else if (contentLength != null) {
                    framing = "Content-Length " + contentLength;
                    received = hashExactly(in, Long.parseLong(contentLength.trim()), sha256, buffer);
                } else {
                    framing = "until close";
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        sha256.update(buffer, 0, n);
                        received += n;
                    }
                }
                return new Transfer(status, framing, HexFormat.of().formatHex(sha256.digest()), received,
                    System.nanoTime() - start);
            } catch (IOException e) {
                throw new AssertionError(deadline.describe("the download failed after " + received + " of "
                    + expected + " body bytes: " + e), e);
            }
        }
    }

    private static long hashExactly(InputStream in, long length, MessageDigest sha256, byte[] buffer)
            throws IOException {
        long remaining = length;
        while (remaining > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new EOFException("body cut short: " + (length - remaining) + " of " + length + " bytes");
            }
            sha256.update(buffer, 0, n);
            remaining -= n;
        }
        return length;
    }

    private static long chunkSize(InputStream in) throws IOException {
        String line = readLine(in);
        int semicolon = line.indexOf(';');
        return Long.parseLong((semicolon >= 0 ? line.substring(0, semicolon) : line).trim(), 16);
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IOException("malformed header line: '" + line + "'");
            }
            headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                line.substring(colon + 1).trim());
        }
        return headers;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("connection closed inside a head or chunk line");
            }
            line.write(b);
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, US_ASCII);
    }

    // ------------------------------------------------------------------ keep-alive and the backend pool

    @Test
    public void sixtyFourConcurrentClientsReuseAtMostSixtyFourBackendConnections() throws Exception {
        try (KeepAliveCountingBackend backend = KeepAliveCountingBackend.start()) {
            writeCfg("io.passerelle.route-conc64.cfg", "path", "/conc64/", "url", backend.url());
            awaitHttp("/conc64/ping", 200, "/ping");
            int acceptedBefore = backend.accepted();
            long requestsBefore = backend.requests();

            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            CyclicBarrier allConnected = new CyclicBarrier(CLIENTS);
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            Queue<String> errorSamples = new ConcurrentLinkedQueue<>();
            long start = System.nanoTime();
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    int client = c;
                    done.add(clients.submit(() -> keepAliveClient(client, allConnected, ok, errors, errorSamples)));
                }
                long deadline = System.nanoTime() + TRANSFER_DEADLINE.toNanos();
                for (Future<?> f : done) {
                    try {
                        f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                    } catch (TimeoutException e) {
                        throw new AssertionError("the clients did not finish within " + TRANSFER_DEADLINE + ": "
                            + ok + " answers, " + errors + " errors, e.g. " + List.copyOf(errorSamples));
                    }
                }
            } finally {
                clients.shutdownNow();
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            int total = CLIENTS * REQUESTS_PER_CLIENT;
            int accepted = backend.accepted();
            String figures = String.format(Locale.ROOT,
                "%d clients x %d keep-alive requests in %d ms (%.0f requests/s): %d answered 200, %d errors; "
                    + "backend: %d requests, %d TCP connections accepted in all (%d before the load, by the "
                    + "warm-up), at most %d open at once",
                CLIENTS, REQUESTS_PER_CLIENT, millis, total * 1000.0 / Math.max(1, millis), ok.get(), errors.get(),
                backend.requests() - requestsBefore, accepted, acceptedBefore, backend.maxOpen());
            System.out.println("[HttpStreamingIT] " + figures);
            assertEquals("no errors; " + figures + "; e.g. " + List.copyOf(errorSamples), 0, errors.get());
            assertEquals("every request answered 200 with its own body; " + figures, total, ok.get());
            assertEquals("every request reached the backend; " + figures, total, backend.requests() - requestsBefore);
            assertTrue("at most " + CLIENTS + " backend connections; " + figures, accepted <= CLIENTS);
            assertEquals("the backend read every request well formed and no connection ended on an error; " + figures,
                0, backend.failures());
        }
    }

    /**
     * One client: its own keep-alive connection, opened before the load starts, then
     * {@link #REQUESTS_PER_CLIENT} GETs one after another, each answer checked (status 200,
     * its own request target echoed, the connection kept open).
     */
    private Void keepAliveClient(int client, CyclicBarrier allConnected, AtomicInteger ok, AtomicInteger errors,
            Queue<String> errorSamples) {
        int request = 0;
        try (Socket socket = connect()) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            allConnected.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            for (; request < REQUESTS_PER_CLIENT; request++) {
                String target = "r?c=" + client + "&n=" + request;
                out.write(("GET /conc64/" + target + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + listenerPort() + "\r\n\r\n").getBytes(US_ASCII));
                out.flush();
                HttpResult answer = RawHttp.read(in, false);
                if (answer.status() != 200 || !("/" + target).equals(answer.body())) {
                    errors.incrementAndGet();
                    sample(errorSamples, "client " + client + " request " + request + ": " + answer);
                } else {
                    ok.incrementAndGet();
                }
                String connection = answer.header("connection");
                if (connection != null && connection.toLowerCase(Locale.ROOT).contains("close")) {
                    errors.addAndGet(REQUESTS_PER_CLIENT - request - 1);
                    sample(errorSamples, "client " + client + ": the proxy closed the keep-alive connection after "
                        + "request " + request);
                    return null;
                }
            }
        } catch (Exception e) {
            errors.addAndGet(REQUESTS_PER_CLIENT - request);
            sample(errorSamples, "client " + client + " request " + request + ": " + e);
        }
        return null;
    }

    private static void sample(Queue<String> samples, String error) {
        if (samples.size() < 5) {
            samples.add(error);
        }
    }

    // ------------------------------------------------------------------ helpers

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenerPort()), 5_000);
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    private static void report(String what, HeapWatch.Figures figures) {
        List<String> heapOptions = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
            .filter(a -> a.startsWith("-Xm") || a.startsWith("-XX:")).collect(Collectors.toList());
        System.out.println("[HttpStreamingIT] " + what + ": " + figures + " (" + gcNames() + ", VM options "
            + heapOptions + ")");
    }

    private static String gcNames() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(" + "));
    }

    private static void assertHeap(String what, HeapWatch.Figures figures) {
        assertTrue(String.format(Locale.ROOT, "%s: heap used after GC grew by less than %d MiB; %s",
            what, HEAP_GROWTH_LIMIT / MIB, figures), figures.growth() < HEAP_GROWTH_LIMIT);
        assertTrue(String.format(Locale.ROOT, "%s: heap used during the transfer stayed under the baseline + %d MiB"
            + " (the proxy streams, never aggregates); %s", what, HEAP_PEAK_LIMIT / MIB, figures),
            figures.peakOverBaseline() < HEAP_PEAK_LIMIT);
        assertTrue(String.format(Locale.ROOT, "%s: heap used outside eden (what survived a collection) during the "
            + "transfer stayed under the baseline + %d MiB; %s", what, HEAP_HELD_LIMIT / MIB, figures),
            figures.peakNonEden() - figures.baseline() < HEAP_HELD_LIMIT);
        assertTrue(what + ": the heap was sampled during the transfer; " + figures, figures.samples() >= 2);
    }

    /** One transfer as the client saw it. */
    private static final class Transfer {
        final int status;
        final String body;
        final String digest;
        final long bytes;
        final long nanos;

        Transfer(int status, String body, String digest, long bytes, long nanos) {
            this.status = status;
            this.body = body;
            this.digest = digest;
            this.bytes = bytes;
            this.nanos = nanos;
        }

        String throughput() {
            double seconds = nanos / 1e9;
            return String.format(Locale.ROOT, "%.1f s, %.0f MiB/s", seconds, bytes / (double) MIB / seconds);
        }
    }

    /** Closes a socket whose transfer outlives its deadline, so that a stalled proxy fails the test. */
    private static final class Deadline implements AutoCloseable {
        private final Duration limit;
        private final AtomicBoolean expired = new AtomicBoolean();
        private final ScheduledFuture<?> task;

        Deadline(Socket socket, Duration limit) {
            this.limit = limit;
            this.task = WATCHDOG.schedule(() -> {
                expired.set(true);
                try {
                    socket.close();
                } catch (IOException e) {
                    // closed anyway
                }
            }, limit.toMillis(), TimeUnit.MILLISECONDS);
        }

        String describe(String failure) {
            return expired.get() ? "cut after " + limit + " (the transfer stalled or crawled): " + failure : failure;
        }

        @Override
        public void close() {
            task.cancel(false);
        }
    }
}
