package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code http://} route with {@code upgrade} tunnels a successful 101 (SPEC §4.4), and a listener with a
 * keystore speaks TLS (SPEC §4.1).
 */
class UpgradeAndTlsTest {

    /** A backend that answers any request with 101 Upgrade: foo/1 and then echoes bytes, upper-cased. */
    private static ServerSocket upgradingBackend(String answeredUpgrade) throws IOException {
        ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                    head.write(in.read());
                }
                out.write(("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: " + answeredUpgrade
                        + "\r\nX-Seen-Upgrade: " + (head.toString(StandardCharsets.ISO_8859_1).contains("Upgrade: foo/1") ? "yes" : "no")
                        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                int c;
                while ((c = in.read()) >= 0) {
                    out.write(Character.toUpperCase(c));
                    out.flush();
                }
            } catch (IOException e) {
                // test over
            }
        }, "upgrading-backend");
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void httpRouteWithUpgradeTunnelsBytesBothWaysAfter101() throws Exception {
        try (ProxyHarness proxy = new ProxyHarness(); ServerSocket backend = upgradingBackend("foo/1")) {
            proxy.route("up", "path", "/up/", "url", "http://127.0.0.1:" + backend.getLocalPort() + "/", "upgrade", "foo/1");
            try (RawClient c = new RawClient(proxy.port)) {
                RawClient.Response r = c.send("GET /up/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: foo/1\r\n\r\n").read(true);
                assertEquals(101, r.status());
                assertEquals("foo/1", r.header("Upgrade"));
                assertEquals("yes", r.header("X-Seen-Upgrade"));
                c.send("hello tunnel");
                byte[] echoed = c.socket.getInputStream().readNBytes("hello tunnel".length());
                assertArrayEquals("HELLO TUNNEL".getBytes(StandardCharsets.ISO_8859_1), echoed);
            }
        }
    }

    @Test
    void aHalfClosedClientStillReceivesWhatTheBackendSendsAfterwards() throws Exception {
        try (ProxyHarness proxy = new ProxyHarness(); ServerSocket backend = upgradingBackend("foo/1")) {
            proxy.route("up", "path", "/up/", "url", "http://127.0.0.1:" + backend.getLocalPort() + "/", "upgrade", "foo/1");
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(101, c.send("GET /up/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: foo/1\r\n\r\n")
                        .read(true).status());
                c.send("last words");
                c.socket.shutdownOutput(); // FIN: the backend sees end of input after the bytes, and answers them
                byte[] rest = c.socket.getInputStream().readAllBytes(); // until the backend's own FIN arrives
                assertArrayEquals("LAST WORDS".getBytes(StandardCharsets.ISO_8859_1), rest);
            }
        }
    }

    @Test
    void a101WithAnotherUpgradeIs502() throws Exception {
        try (ProxyHarness proxy = new ProxyHarness(); ServerSocket backend = upgradingBackend("bar/2")) {
            proxy.route("up", "path", "/up/", "url", "http://127.0.0.1:" + backend.getLocalPort() + "/", "upgrade", "foo/1");
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(502, c.send("GET /up/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: foo/1\r\n\r\n").read().status());
            }
        }
    }

    @Test
    void listenerWithKeystoreSpeaksTls(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("test.p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Process p = new ProcessBuilder(keytool, "-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit", "-keypass", "changeit", "-alias", "test", "-keyalg", "EC", "-dname", "CN=localhost",
                "-validity", "2").redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool made a keystore");
        assertTrue(Files.size(keystore) > 0);
        try (TestBackend backend = new TestBackend(r -> TestBackend.ok("over tls"));
                ProxyHarness proxy = new ProxyHarness(Map.of(),
                        Map.of("tls.keystore", keystore.toString(), "tls.keystore.password", "changeit"))) {
            proxy.route("t", "path", "/t/", "url", backend.url());
            SSLContext trustAll = SSLContext.getInstance("TLS");
            trustAll.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            try (SSLSocket s = (SSLSocket) trustAll.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), proxy.port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("GET /t/x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
                assertTrue(answer.endsWith("over tls"), answer);
            }
            assertEquals("https", backend.received.peek().header("X-Forwarded-Proto"));
        }
    }
}
