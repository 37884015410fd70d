package io.passerelle.balancer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import javax.net.ssl.SSLSocketFactory;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks (httpd's mod_proxy_hcheck): a TCP connect, or a {@code GET}/{@code HEAD}/{@code OPTIONS}
 * of {@code hc.uri} answered 2xx or 3xx. Blocking sockets, run only on the registry's health-check threads.
 * {@code hc.fails} failures in a row take a member out, {@code hc.passes} passes in a row bring it back.
 */
final class HealthChecker {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    private static final int MAX_TIMEOUT_MILLIS = 5_000;

    void check(Balancer b, BalancerSpec.HealthCheckSpec hc, Member m) {
        boolean ok;
        String why;
        try {
            why = probe(hc, m.url(), (int) Math.min(MAX_TIMEOUT_MILLIS, Math.max(100, hc.intervalMillis())));
            ok = why == null;
        } catch (IOException e) {
            ok = false;
            why = e.toString();
        }
        if (ok) {
            m.hcFails = 0;
            m.hcPasses++;
            if (m.healthDown() && m.hcPasses >= hc.passes()) {
                m.healthDown(false);
                LOG.info("Balancer {}: member {} passes its health check again ({} {}): back in", b.name(), m,
                        hc.method(), hc.uri());
            }
        } else {
            m.hcPasses = 0;
            m.hcFails++;
            if (!m.healthDown() && m.hcFails >= hc.fails()) {
                m.healthDown(true);
                LOG.warn("Balancer {}: member {} fails its health check ({} {}: {}): taken out", b.name(), m,
                        hc.method(), hc.uri(), why);
            }
        }
    }

    /** Null when the member passes, else why not. */
    private static String probe(BalancerSpec.HealthCheckSpec hc, URI url, int timeoutMillis) throws IOException {
        String scheme = url.getScheme().toLowerCase(Locale.ROOT);
        boolean tls = scheme.equals("https") || scheme.equals("wss");
        int port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(url.getHost(), port), timeoutMillis);
            plain.setSoTimeout(timeoutMillis);
            if (hc.method().equals("TCP")) {
                return null;
            }
            Socket s = tls ? ((SSLSocketFactory) SSLSocketFactory.getDefault()).createSocket(plain, url.getHost(),
                    port, true) : plain;
            try {
                String hostHeader = url.getPort() > 0 ? url.getHost() + ":" + url.getPort() : url.getHost();
                String request = hc.method() + " " + hc.uri() + " HTTP/1.0\r\nHost: " + hostHeader
                        + "\r\nUser-Agent: passerelle-hcheck\r\nConnection: close\r\n\r\n";
                OutputStream out = s.getOutputStream();
                out.write(request.getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String status = statusLine(s.getInputStream());
                String[] parts = status.split(" ", 3);
                if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
                    return "not an HTTP answer: " + status;
                }
                int code = Integer.parseInt(parts[1]);
                return code >= 200 && code < 400 ? null : "status " + code;
            } catch (NumberFormatException e) {
                return "unreadable status line";
            } finally {
                if (s != plain) {
                    s.close();
                }
            }
        }
    }

    private static String statusLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n' && b.length() < 1024) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        if (b.length() == 0 && c < 0) {
            throw new IOException("closed without an answer");
        }
        return b.toString();
    }
}
