package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

/**
 * A slow side never makes the proxy buffer the fast side's bytes (SPEC: bodies stream with backpressure):
 * while one side does not read, what the other side manages to write stays bounded by socket buffers and
 * the proxy's watermarks, and everything arrives once it reads again.
 */
class BackpressureTest {

    private static final long BODY = 512L * 1024 * 1024;
    private static final long BOUND = 48L * 1024 * 1024;

    /** Waits until the counter stops moving for half a second (or 20 s pass) and returns its value. */
    private static long settle(LongSupplier counter) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        long stableSince = System.nanoTime();
        CountDownLatch never = new CountDownLatch(1);
        while (System.nanoTime() < deadline) {
            long now = counter.getAsLong();
            if (now != last) {
                last = now;
                stableSince = System.nanoTime();
            } else if (System.nanoTime() - stableSince > TimeUnit.MILLISECONDS.toNanos(500)) {
                return now;
            }
            never.await(20, TimeUnit.MILLISECONDS); // a polling interval, not a synchronisation
        }
        return counter.getAsLong();
    }

    @Test
    void aClientThatDoesNotReadHoldsBackTheBackend() throws Exception {
        AtomicLong written = new AtomicLong();
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                ProxyHarness proxy = new ProxyHarness()) {
            Thread backend = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    while (!readLine(in).isEmpty()) {
                        // request head
                    }
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: " + BODY + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    byte[] block = new byte[64 * 1024];
                    for (long sent = 0; sent < BODY; sent += block.length) {
                        out.write(block);
                        written.addAndGet(block.length);
                    }
                } catch (IOException e) {
                    // test over
                }
            });
            backend.setDaemon(true);
            backend.start();
            proxy.route("t", "path", "/t/", "url", "http://127.0.0.1:" + server.getLocalPort() + "/");
            try (RawClient c = new RawClient(proxy.port)) {
                c.socket.setReceiveBufferSize(64 * 1024);
                c.send("GET /t/big HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
                long held = settle(written::get);
                assertTrue(held < BOUND, "the backend could write " + held + " bytes to a client that reads nothing");
                long got = c.socket.getInputStream().transferTo(OutputStream.nullOutputStream());
                assertTrue(got >= BODY, "the whole body arrived once the client read: " + got);
            }
        }
    }

    @Test
    void aBackendThatDoesNotReadHoldsBackTheClient() throws Exception {
        AtomicLong written = new AtomicLong();
        CountDownLatch read = new CountDownLatch(1);
        AtomicLong received = new AtomicLong();
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                ProxyHarness proxy = new ProxyHarness()) {
            Thread backend = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    s.setReceiveBufferSize(64 * 1024);
                    read.await();
                    while (!readLine(in).isEmpty()) {
                        // request head
                    }
                    received.set(in.transferTo(OutputStream.nullOutputStream()));
                } catch (IOException | InterruptedException e) {
                    // test over
                }
            });
            backend.setDaemon(true);
            backend.start();
            proxy.route("t", "path", "/t/", "url", "http://127.0.0.1:" + server.getLocalPort() + "/");
            try (RawClient c = new RawClient(proxy.port)) {
                Thread uploader = new Thread(() -> {
                    try {
                        OutputStream out = c.socket.getOutputStream();
                        out.write(("PUT /t/up HTTP/1.1\r\nHost: h\r\nContent-Length: " + BODY + "\r\n\r\n")
                                .getBytes(StandardCharsets.ISO_8859_1));
                        byte[] block = new byte[64 * 1024];
                        for (long sent = 0; sent < BODY; sent += block.length) {
                            out.write(block);
                            written.addAndGet(block.length);
                        }
                    } catch (IOException e) {
                        // test over
                    }
                });
                uploader.setDaemon(true);
                uploader.start();
                long held = settle(written::get);
                assertTrue(held < BOUND, "the client could write " + held + " bytes to a backend that reads nothing");
                read.countDown();
                uploader.join(TimeUnit.SECONDS.toMillis(60));
                assertEquals(BODY, written.get(), "the whole upload went through once the backend read");
            }
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int ch;
        while ((ch = in.read()) >= 0 && ch != '\n') {
            if (ch != '\r') {
                sb.append((char) ch);
            }
        }
        return sb.toString();
    }
}
