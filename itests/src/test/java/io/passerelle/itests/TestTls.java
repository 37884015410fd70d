package io.passerelle.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS material made by the test run itself, once per JVM: a self-signed certificate for {@code localhost}
 * (SAN {@code dns:localhost, ip:127.0.0.1}) with its EC key in a PKCS12 key store, made by the JDK's keytool,
 * and a PKCS12 trust store holding only that certificate. Both live in Karaf's {@code data/tmp}, so they go
 * with the unpacked Karaf of the run. Password {@value #PASSWORD} for both.
 */
final class TestTls {

    static final String PASSWORD = "changeit";
    private static final String ALIAS = "passerelle-itest";

    private static TestTls instance;

    private final Path keystore;
    private final Path truststore;

    private TestTls(Path keystore, Path truststore) {
        this.keystore = keystore;
        this.truststore = truststore;
    }

    static synchronized TestTls get() throws IOException, GeneralSecurityException, InterruptedException {
        if (instance == null) {
            String data = System.getProperty("karaf.data");
            Path dir = data != null ? Files.createDirectories(Paths.get(data, "tmp", "itest-tls"))
                : Files.createTempDirectory("itest-tls");
            Path keystore = dir.resolve("server.p12");
            Path truststore = dir.resolve("trust.p12");
            Files.deleteIfExists(keystore);
            keytool("-genkeypair", "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
                "-keypass", PASSWORD, "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2");
            KeyStore keys = load(keystore);
            Certificate certificate = keys.getCertificate(ALIAS);
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(ALIAS, certificate);
            try (OutputStream out = Files.newOutputStream(truststore)) {
                trust.store(out, PASSWORD.toCharArray());
            }
            instance = new TestTls(keystore, truststore);
        }
        return instance;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = Paths.get(System.getProperty("java.home"), "bin", "keytool").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    /** The PKCS12 key store with the key and its self-signed certificate. */
    Path keystore() {
        return keystore;
    }

    /** The PKCS12 trust store with the certificate only. */
    Path truststore() {
        return truststore;
    }

    /** A server context presenting the certificate. */
    SSLContext serverContext() throws IOException, GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(load(keystore), PASSWORD.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** A client context that trusts the certificate (and nothing else). */
    SSLContext clientContext() throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(load(truststore));
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** A TLS server socket on an ephemeral port of {@code localhost}'s address, presenting the certificate. */
    SSLServerSocket serverSocket() throws IOException, GeneralSecurityException {
        SSLServerSocket server = (SSLServerSocket) serverContext().getServerSocketFactory().createServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName("localhost"), 0), 50);
        return server;
    }
}
