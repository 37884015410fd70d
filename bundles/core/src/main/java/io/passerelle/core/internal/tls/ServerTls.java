package io.passerelle.core.internal.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import io.passerelle.common.config.ConfigException;

/** The server side of TLS: a listener's filter from its PKCS12 keystore (read on a configuration thread). */
public final class ServerTls {

    private ServerTls() {
    }

    /** @throws ConfigException naming {@code tls.keystore} when it cannot be loaded */
    public static InlineTlsFilter filter(String keystore, String password) {
        char[] pw = password == null ? new char[0] : password.toCharArray();
        try (InputStream in = Files.newInputStream(Path.of(keystore))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, pw);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return new InlineTlsFilter(ctx);
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException("tls.keystore", "cannot load '" + keystore + "': " + e.getMessage());
        }
    }
}
