package io.passerelle.api;

/**
 * How to open a backend connection.
 *
 * @param connectTimeoutMillis give up (and report a timeout) after this long
 * @param tls                  speak TLS to the backend
 * @param tlsTruststore        PKCS12 trust store path, or null for the JDK's default trust store
 * @param tlsTruststorePassword its password, or null
 * @param tlsVerify            verify the certificate chain and the host name (SNI is always sent)
 */
public record ConnectOptions(long connectTimeoutMillis, boolean tls, String tlsTruststore,
        String tlsTruststorePassword, boolean tlsVerify) {

    public static ConnectOptions plain(long connectTimeoutMillis) {
        return new ConnectOptions(connectTimeoutMillis, false, null, null, true);
    }
}
