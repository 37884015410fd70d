package io.passerelle.http.internal;

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

    @Test
    void stoppingTheModuleEndsItsExchangesInFlight() throws Exception {
        CountDownLatch headRead = new CountDownLatch(1);
        CountDownLatch closedByProxy = new CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
                ProxyHarness proxy = new ProxyHarness()) {
            Thread backend = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    int state = 0;
                    while (state < 4) { // the request head, then silence: no answer ever
                        int ch = in.read();
                        state = (ch == '\r' && state % 2 == 0) || (ch == '\n' && state % 2 == 1) ? state + 1 : 0;
                    }
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
                proxy.http.deactivate();
                assertEquals(503, c.read().status(), "the exchange in flight ended with 503");
                assertTrue(closedByProxy.await(5, TimeUnit.SECONDS), "its backend connection closed");
            }
        }
    }
}
