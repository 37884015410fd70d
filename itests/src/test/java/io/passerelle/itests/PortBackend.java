package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import com.sun.net.httpserver.HttpServer;

/** An HTTP backend on a given loopback port (a member coming back where it was), answering 200 with X-Backend. */
final class PortBackend implements AutoCloseable {

    private final HttpServer server;

    private PortBackend(HttpServer server) {
        this.server = server;
    }

    static PortBackend start(String name, int port) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        server.createContext("/", exchange -> {
            try (exchange) {
                exchange.getRequestBody().readAllBytes();
                byte[] body = ("backend " + name).getBytes(UTF_8);
                exchange.getResponseHeaders().set("X-Backend", name);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        server.start();
        return new PortBackend(server);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
