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
 * TLS material made by the test run itself, once per JVM, with the JDK's keytool: a self-signed certificate for
 * {@code localhost} (SAN {@code dns:localhost, ip:127.0.0.1}) with its EC key in a PKCS12 key store and a PKCS12
 * trust store holding only that certificate ({@link #get()}); and a certificate for {@code localhost} signed by a
 * private CA, with a trust store holding only the CA's certificate ({@link #privateCa()}). All live in Karaf's
 * {@code data/tmp}, so they go with the unpacked Karaf of the run. Password {@value #PASSWORD} for all.
 */
final class TestTls {

    static final String PASSWORD = "changeit";
    private static final String ALIAS = "passerelle-itest";

    private static TestTls instance;
    private static TestTls privateCa;

    private final Path keystore;
    private final Path truststore;

    private TestTls(Path keystore, Path truststore) {
        this.keystore = keystore;
        this.truststore = truststore;
    }

    private static Path dir() throws IOException {
        String data = System.getProperty("karaf.data");
        return data != null ? Files.createDirectories(Paths.get(data, "tmp", "itest-tls"))
            : Files.createTempDirectory("itest-tls");
    }

    /**
     * A server certificate for {@code localhost} signed by a CA of this run (no public CA, not in the JDK's trust
     * store), and a trust store holding only the CA's certificate.
     */
    static synchronized TestTls privateCa() throws IOException, GeneralSecurityException, InterruptedException {
        if (privateCa == null) {
            Path dir = dir();
            Path ca = dir.resolve("ca.p12");
            Path leaf = dir.resolve("ca-signed.p12");
            Path caTrust = dir.resolve("ca-trust.p12");
            Path csr = dir.resolve("ca-signed.csr");
            Path leafCert = dir.resolve("ca-signed.cer");
            Path caCert = dir.resolve("ca.cer");
            for (Path p : new Path[] {ca, leaf, caTrust, csr, leafCert, caCert}) {
                Files.deleteIfExists(p);
            }
            String[] store = {"-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD};
            keytool(join(new String[] {"-genkeypair", "-keystore", ca.toString(), "-alias", "ca", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=Passerelle Test CA", "-ext", "bc:c", "-validity", "2"}, store));
            keytool(join(new String[] {"-genkeypair", "-keystore", leaf.toString(), "-alias", ALIAS, "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-validity", "2"}, store));
            keytool(join(new String[] {"-certreq", "-keystore", leaf.toString(), "-alias", ALIAS, "-file",
                csr.toString()}, store));
            keytool(join(new String[] {"-gencert", "-keystore", ca.toString(), "-alias", "ca", "-infile",
                csr.toString(), "-outfile", leafCert.toString(), "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2"}, store));
            keytool(join(new String[] {"-exportcert", "-keystore", ca.toString(), "-alias", "ca", "-file",
                caCert.toString()}, store));
            // the CA first, so that the signed certificate is installed with its chain
            keytool(join(new String[] {"-importcert", "-keystore", leaf.toString(), "-alias", "ca", "-file",
                caCert.toString(), "-noprompt"}, store));
            keytool(join(new String[] {"-importcert", "-keystore", leaf.toString(), "-alias", ALIAS, "-file",
                leafCert.toString()}, store));
            keytool(join(new String[] {"-importcert", "-keystore", caTrust.toString(), "-alias", "ca", "-file",
                caCert.toString(), "-noprompt"}, store));
            privateCa = new TestTls(leaf, caTrust);
        }
        return privateCa;
    }

    private static String[] join(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    static synchronized TestTls get() throws IOException, GeneralSecurityException, InterruptedException {
        if (instance == null) {
            Path dir = dir();
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
