package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A backend for the tests: the JDK's HttpServer on an ephemeral loopback port. Every
 * request is answered {@code 200} with the body {@code backend NAME METHOD URI} (plus
 * {@code  body=REQUEST-BODY} when there is one), so a test sees which backend answered
 * and what path reached it; the backend also counts the requests and remembers their URIs.
 */
public final class TestBackend implements AutoCloseable {

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> uris = new CopyOnWriteArrayList<>();

    private TestBackend(String name, HttpServer server, ExecutorService executor) {
        this.name = name;
        this.server = server;
        this.executor = executor;
    }

    public static TestBackend start(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        ExecutorService executor = Executors.newCachedThreadPool();
        TestBackend backend = new TestBackend(name, server, executor);
        server.createContext("/", backend::handle);
        server.setExecutor(executor);
        server.start();
        return backend;
    }

    /**
     * The same backend over TLS, on an ephemeral port of {@code localhost}'s address, presenting the certificate
     * of {@code tls}; its {@link #url()} is {@code https://localhost:PORT/}.
     */
    public static TestBackend startTls(String name, SSLContext tls) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 50);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        ExecutorService executor = Executors.newCachedThreadPool();
        TestBackend backend = new TestBackend(name, server, executor);
        server.createContext("/", backend::handle);
        server.setExecutor(executor);
        server.start();
        return backend;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String uri = exchange.getRequestURI().toString();
            String requestBody;
            try (InputStream in = exchange.getRequestBody()) {
                requestBody = new String(in.readAllBytes(), UTF_8);
            }
            requests.incrementAndGet();
            uris.add(uri);
            String answer = "backend " + name + " " + exchange.getRequestMethod() + " " + uri
                + (requestBody.isEmpty() ? "" : " body=" + requestBody);
            byte[] bytes = answer.getBytes(UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=UTF-8");
            exchange.getResponseHeaders().set("X-Backend", name);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:PORT/} ({@code https://localhost:PORT/} over TLS), for a route's url. */
    public String url() {
        return server instanceof HttpsServer ? "https://localhost:" + port() + "/" : "http://127.0.0.1:" + port() + "/";
    }

    /** What this backend answers to {@code GET uri}: a test asserts a proxied body with it. */
    public String bodyFor(String uri) {
        return "backend " + name + " GET " + uri;
    }

    public int requests() {
        return requests.get();
    }

    /** The request URIs received, in order. */
    public List<String> uris() {
        return List.copyOf(uris);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
