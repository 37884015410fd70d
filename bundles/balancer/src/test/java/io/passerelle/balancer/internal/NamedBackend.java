package io.passerelle.balancer.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP backend on a loopback port (the JDK's HttpServer) that answers its name, counts the requests
 * it served, and answers {@code /health} with a status the test sets.
 */
final class NamedBackend implements AutoCloseable {

    final String name;
    final AtomicInteger served = new AtomicInteger();
    volatile int status = 200;
    volatile int healthStatus = 200;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final int port;

    NamedBackend(String name) throws IOException {
        this(name, 0);
    }

    NamedBackend(String name, int port) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext("/", exchange -> {
            boolean health = exchange.getRequestURI().getPath().equals("/health");
            if (!health) {
                served.incrementAndGet();
            }
            exchange.getRequestBody().readAllBytes();
            byte[] body = (name + " " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(health ? healthStatus : status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(executor);
        server.start();
        this.port = server.getAddress().getPort();
    }

    int port() {
        return port;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
