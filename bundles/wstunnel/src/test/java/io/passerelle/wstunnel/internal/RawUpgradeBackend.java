package io.passerelle.wstunnel.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend on a loopback port that records each request head, answers with the given bytes, and then, if it
 * answered 101, echoes bytes upper-cased until the client half-closes.
 */
final class RawUpgradeBackend implements AutoCloseable {

    final ServerSocket server;
    final ConcurrentLinkedQueue<String> heads = new ConcurrentLinkedQueue<>();
    final AtomicInteger connections = new AtomicInteger();
    private final String answer;

    final ConcurrentLinkedQueue<String> serverNames = new ConcurrentLinkedQueue<>();

    RawUpgradeBackend(String answer) throws IOException {
        this(answer, new ServerSocket(0, 16, InetAddress.getLoopbackAddress()));
    }

    /** On a server socket of the caller's, e.g. a TLS one: the SNI names clients ask for are recorded. */
    RawUpgradeBackend(String answer, ServerSocket server) {
        this.answer = answer;
        this.server = server;
        Thread t = new Thread(this::loop, "raw-upgrade-backend");
        t.setDaemon(true);
        t.start();
    }

    String url(String scheme) {
        return scheme + "://127.0.0.1:" + server.getLocalPort() + "/";
    }

    private void loop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "raw-upgrade-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            if (s instanceof javax.net.ssl.SSLSocket tls) {
                tls.startHandshake();
                if (tls.getSession() instanceof javax.net.ssl.ExtendedSSLSession e) {
                    e.getRequestedServerNames().forEach(n -> serverNames.add(((javax.net.ssl.SNIHostName) n).getAsciiName()));
                }
            }
            while (true) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        return;
                    }
                    head.write(c);
                }
                heads.add(head.toString(StandardCharsets.ISO_8859_1));
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (answer.startsWith("HTTP/1.1 101")) {
                    int c;
                    while ((c = in.read()) >= 0) {
                        out.write(Character.toUpperCase(c));
                        out.flush();
                    }
                    return;
                }
            }
        } catch (IOException e) {
            // connection over
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
