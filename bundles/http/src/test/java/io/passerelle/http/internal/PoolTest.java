package io.passerelle.http.internal;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import io.passerelle.api.SchemeHandler;

/** The keep-alive pool's keys (SPEC §4.4) and the module's clean-up when it stops. */
class PoolTest {

    private static boolean within(long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch never = new CountDownLatch(1);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            never.await(20, TimeUnit.MILLISECONDS); // polling interval
        }
        return condition.getAsBoolean();
    }

    @Test
    void anIdlePooledConnectionIsClosedAfterPoolIdleTimeout() throws Exception {
        try (TestBackend backend = new TestBackend(r -> TestBackend.ok("ok"));
                ProxyHarness proxy = new ProxyHarness(Map.of("pool.idle.timeout", "1s"), Map.of())) {
            proxy.route("t", "path", "/t/", "url", backend.url());
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(200, c.send("GET /t/a HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            }
            assertEquals(1, backend.connections.get());
            assertTrue(within(5, () -> backend.closed.get() == 1), "the pooled connection was reaped");
        }
    }

    @Test
    void poolMaxPerBackendZeroKeepsNoConnection() throws Exception {
        try (TestBackend backend = new TestBackend(r -> TestBackend.ok("ok"));
                ProxyHarness proxy = new ProxyHarness(Map.of("pool.max.per.backend", "0"), Map.of())) {
            proxy.route("t", "path", "/t/", "url", backend.url());
            try (RawClient c = new RawClient(proxy.port)) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, c.send("GET /t/a HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
                }
            }
            assertEquals(3, backend.connections.get(), "a new backend connection per request");
        }
    }

    @Test
    void stoppingTheModuleClosesItsPooledConnectionsAndItsRoutesAnswer503() throws Exception {
        try (TestBackend backend = new TestBackend(r -> TestBackend.ok("ok")); ProxyHarness proxy = new ProxyHarness()) {
            proxy.route("t", "path", "/t/", "url", backend.url());
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(200, c.send("GET /t/a HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
                proxy.dispatcher.unbindSchemeHandler(proxy.http, Map.of(SchemeHandler.SCHEME, new String[] {"http", "https"}));
                proxy.http.deactivate();
                assertTrue(within(5, () -> backend.closed.get() == backend.connections.get()),
                        "every backend connection of the module closed");
                // the client connection itself is the core's: it goes on, and the route answers 503
                assertEquals(503, c.send("GET /t/b HTTP/1.1\r\nHost: h\r\n\r\n").read().status());
            }
        }
    }

    /** SPEC §4.9: an exchange still without an answer at shutdown.timeout is cut with 503. */
    @Test
    void stoppingTheModuleEndsTheExchangesStillInFlightAtShutdownTimeout() throws Exception {
        CountDownLatch headRead = new CountDownLatch(1);
        CountDownLatch closedByProxy = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                ProxyHarness proxy = new ProxyHarness(Map.of(), Map.of(), Map.of("shutdown.timeout", "1s"))) {
            Thread backend = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    readHead(in); // then silence: no answer ever
                    headRead.countDown();
                    if (in.read() < 0) {
                        closedByProxy.countDown();
                    }
                } catch (IOException e) {
                    closedByProxy.countDown(); // reset by the proxy
                }
            });
            backend.setDaemon(true);
            backend.start();
            proxy.route("t", "path", "/t/", "url", "http://127.0.0.1:" + server.getLocalPort() + "/");
            try (RawClient c = new RawClient(proxy.port)) {
                c.send("GET /t/slow HTTP/1.1\r\nHost: h\r\n\r\n");
                assertTrue(headRead.await(5, TimeUnit.SECONDS), "the request reached the backend");
                long start = System.nanoTime();
                proxy.http.deactivate();
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900),
                        "the stop waited for shutdown.timeout (1s) before cutting");
                assertEquals(503, c.read().status(), "the exchange in flight ended with 503");
                assertTrue(closedByProxy.await(5, TimeUnit.SECONDS), "its backend connection closed");
            }
        }
    }

    /** SPEC §4.9: stopping the module lets an exchange in flight finish; new ones get 503 meanwhile. */
    @Test
    void stoppingTheModuleLetsTheExchangesInFlightFinish() throws Exception {
        CountDownLatch headRead = new CountDownLatch(1);
        CountDownLatch answer = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                ProxyHarness proxy = new ProxyHarness()) {
            Thread backend = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    readHead(in);
                    headRead.countDown();
                    answer.await();
                    s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone".getBytes(US_ASCII));
                    s.getOutputStream().flush();
                    in.read();
                } catch (IOException | InterruptedException e) {
                    // the test fails on what the client gets
                }
            });
            backend.setDaemon(true);
            backend.start();
            proxy.route("t", "path", "/t/", "url", "http://127.0.0.1:" + server.getLocalPort() + "/");
            try (RawClient c = new RawClient(proxy.port)) {
                c.send("GET /t/slow HTTP/1.1\r\nHost: h\r\n\r\n");
                assertTrue(headRead.await(5, TimeUnit.SECONDS), "the request reached the backend");
                Thread stopper = new Thread(proxy.http::deactivate, "module-stop");
                stopper.start();
                Polling.await("the module's stop waits for the exchange", java.time.Duration.ofSeconds(10),
                        () -> stopper.getState() == Thread.State.TIMED_WAITING);
                try (RawClient late = new RawClient(proxy.port)) {
                    assertEquals(503, late.send("GET /t/late HTTP/1.1\r\nHost: h\r\n\r\n").read().status(),
                            "a new request while the module stops");
                }
                answer.countDown();
                RawClient.Response r = c.read();
                assertEquals(200, r.status());
                assertEquals("done", r.text());
                stopper.join(10_000);
                assertTrue(!stopper.isAlive(), "the stop returned once the exchange was over");
            }
        }
    }

    private static void readHead(InputStream in) throws IOException {
        int state = 0;
        while (state < 4) {
            int ch = in.read();
            if (ch < 0) {
                throw new IOException("closed before the end of the head");
            }
            state = (ch == '\r' && state % 2 == 0) || (ch == '\n' && state % 2 == 1) ? state + 1 : 0;
        }
    }
}
