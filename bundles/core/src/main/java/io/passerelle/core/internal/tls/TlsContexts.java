package io.passerelle.core.internal.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import io.passerelle.api.BackendTls;

/**
 * Client TLS contexts for backend connections, one per trust configuration: the JDK's trust store, a
 * PKCS12 {@code tls.truststore}, or no verification at all ({@code tls.verify = false}). Loading reads
 * files, so it is only ever called off the I/O threads; a trust store is read again when its file changes.
 */
public final class TlsContexts {

    private record Loaded(SSLContext context, long modified) {
    }

    private final Map<BackendTls, Loaded> contexts = new ConcurrentHashMap<>();

    /** The context for these settings, loaded (or loaded again, when the trust store file changed) if need be. */
    public SSLContext get(BackendTls key) throws IOException, GeneralSecurityException {
        long modified = key.truststore() == null ? 0 : Files.getLastModifiedTime(Path.of(key.truststore())).toMillis();
        Loaded l = contexts.get(key);
        if (l == null || l.modified != modified) {
            l = new Loaded(create(key), modified);
            contexts.put(key, l);
        }
        return l.context;
    }

    private static SSLContext create(BackendTls key) throws IOException, GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        if (!key.verify()) {
            ctx.init(null, new TrustManager[] {new TrustingManager()}, null);
            return ctx;
        }
        if (key.truststore() == null) {
            ctx.init(null, null, null); // the JDK's default trust store
            return ctx;
        }
        KeyStore ts = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(key.truststore()))) {
            ts.load(in, key.truststorePassword() == null ? null : key.truststorePassword().toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** For {@code tls.verify = false} only: accepts any certificate (the route's WARN says so). */
    private static final class TrustingManager implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            Objects.requireNonNull(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            Objects.requireNonNull(chain);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
