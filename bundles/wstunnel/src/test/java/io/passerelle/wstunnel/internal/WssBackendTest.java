package io.passerelle.wstunnel.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import javax.net.ssl.SSLServerSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.passerelle.common.config.Config;
import io.passerelle.http.internal.ProxyHarness;
import io.passerelle.http.internal.RawClient;

/** {@code wss://} backends: TLS with SNI and a configured trust store, then the tunnel (SPEC §4.2, §4.3). */
class WssBackendTest {

    private static void keytool(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool " + String.join(" ", args));
    }

    @Test
    void aWssRouteTunnelsOverTlsWithSniToATrustedBackend(@TempDir Path dir) throws Exception {
        Path keystore = dir.resolve("ws.p12");
        Path cert = dir.resolve("ws.pem");
        Path truststore = dir.resolve("trust.p12");
        keytool("-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", "changeit",
                "-keypass", "changeit", "-alias", "ws", "-keyalg", "EC", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost",
                "-validity", "2");
        keytool("-exportcert", "-rfc", "-alias", "ws", "-keystore", keystore.toString(), "-storepass", "changeit", "-file",
                cert.toString());
        keytool("-importcert", "-noprompt", "-alias", "ws", "-file", cert.toString(), "-keystore", truststore.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        SSLServerSocket tlsServer = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket();
        tlsServer.bind(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 16);

        try (ProxyHarness proxy = new ProxyHarness();
                RawUpgradeBackend backend = new RawUpgradeBackend(
                        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", tlsServer)) {
            WsTunnelHandler ws = new WsTunnelHandler(proxy.forwarder, Config.defaults(WsTunnelConfig.class), Map.of());
            proxy.bind(ws, "ws", "wss");
            proxy.route("secure", "path", "/secure/", "url", "wss://localhost:" + tlsServer.getLocalPort() + "/",
                    "tls.truststore", truststore.toString(), "tls.truststore.password", "changeit");
            try (RawClient c = new RawClient(proxy.port)) {
                assertEquals(101, c.send("GET /secure/x HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
                        .read(true).status());
                c.send("over tls");
                assertArrayEquals("OVER TLS".getBytes(StandardCharsets.ISO_8859_1), c.socket.getInputStream().readNBytes(8));
            } finally {
                ws.deactivate();
            }
            assertEquals("localhost", backend.serverNames.peek(), "SNI names the URL's host");
            assertTrue(backend.heads.peek().startsWith("GET /x HTTP/1.1\r\n"), backend.heads.peek());
        }
    }
}
