package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * {@code https://} backends (SPEC §4.2 {@code tls.*}, §4.4): verified against a configured trust store or the
 * JDK's, with the host name checked, or not verified at all with {@code tls.verify = false}. The backend's
 * certificate names only {@code localhost}.
 */
class TlsBackendTest {

    @TempDir
    static Path dir;
    private static HttpsServer server;
    private static Path truststore;
    private static int port;

    private static void keytool(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
    }

    @BeforeAll
    static void backend() throws Exception {
        Path keystore = dir.resolve("backend.p12");
        Path cert = dir.resolve("backend.pem");
        truststore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit", "-alias", "backend", "-keyalg", "EC", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-validity", "2");
        keytool("-exportcert", "-rfc", "-alias", "backend", "-keystore", keystore.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "backend", "-file", cert.toString(), "-keystore",
                truststore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        // bound where "localhost" resolves, so that both https://localhost and https://<that address> reach it
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", exchange -> {
            byte[] body = ("tls backend saw " + exchange.getRequestURI()).getBytes(StandardCharsets.ISO_8859_1);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        port = server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    private static String get(ProxyHarness proxy, String path) throws Exception {
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n").read();
            return r.status() + " " + r.text();
        }
    }

    private static String address() throws Exception {
        InetAddress a = InetAddress.getByName("localhost");
        return a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
    }

    @Test
    void aTrustedBackendWithTheRightNameServes() throws Exception {
        try (ProxyHarness proxy = new ProxyHarness()) {
            proxy.route("s", "path", "/s/", "url", "https://localhost:" + port + "/", "tls.truststore", truststore.toString(),
                    "tls.truststore.password", "changeit");
            assertEquals("200 tls backend saw /x", get(proxy, "/s/x"));
            assertEquals("200 tls backend saw /y", get(proxy, "/s/y"));
        }
    }

    @Test
    void aCertificateTheJdkTrustStoreDoesNotKnowIs502() throws Exception {
        try (ProxyHarness proxy = new ProxyHarness()) {
            proxy.route("s", "path", "/s/", "url", "https://localhost:" + port + "/");
            assertEquals(502, Integer.parseInt(get(proxy, "/s/x").substring(0, 3)));
        }
    }

    @Test
    void aHostNameTheCertificateDoesNotNameIs502() throws Exception {
        try (ProxyHarness proxy = new ProxyHarness()) {
            proxy.route("s", "path", "/s/", "url", "https://" + address() + ":" + port + "/", "tls.truststore",
                    truststore.toString(), "tls.truststore.password", "changeit");
            assertEquals(502, Integer.parseInt(get(proxy, "/s/x").substring(0, 3)));
        }
    }

    @Test
    void verifyFalseAcceptsAnyCertificate() throws Exception {
        try (ProxyHarness proxy = new ProxyHarness()) {
            proxy.route("s", "path", "/s/", "url", "https://" + address() + ":" + port + "/", "tls.verify", "false");
            assertEquals("200 tls backend saw /x", get(proxy, "/s/x"));
        }
    }

    /**
     * Handshakes, good and failed, never use MINA's shared "ssl-exec" task threads: a task run there forwards its
     * records while the I/O thread forwards others, and under load they reached the backend out of order.
     */
    @Test
    void aConnectionVerifiedForOneRouteIsNotReusedByARouteThatTrustsLess() throws Exception {
        // one I/O thread: both requests are served by it, so both routes' connections meet in one pool
        try (ProxyHarness proxy = new ProxyHarness(Map.of(), Map.of(), Map.of("io.threads", "1"))) {
            proxy.route("s", "path", "/s/", "url", "https://localhost:" + port + "/", "tls.truststore", truststore.toString(),
                    "tls.truststore.password", "changeit");
            proxy.route("u", "path", "/u/", "url", "https://localhost:" + port + "/");
            assertEquals("200 tls backend saw /z", get(proxy, "/s/z"));
            assertEquals(502, Integer.parseInt(get(proxy, "/u/z").substring(0, 3)));
            assertEquals("200 tls backend saw /y", get(proxy, "/s/y"));
        }
    }

    @Test
    void handshakeTasksRunOnTheIoThread() throws Exception {
        try (ProxyHarness proxy = new ProxyHarness()) {
            proxy.route("s", "path", "/s/", "url", "https://localhost:" + port + "/", "tls.truststore", truststore.toString(),
                    "tls.truststore.password", "changeit");
            proxy.route("u", "path", "/u/", "url", "https://localhost:" + port + "/");
            assertEquals("200 tls backend saw /z", get(proxy, "/s/z"));
            assertEquals(502, Integer.parseInt(get(proxy, "/u/z").substring(0, 3)));
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("ssl-exec")),
                "a TLS task ran on MINA's ssl-exec pool");
    }
}
