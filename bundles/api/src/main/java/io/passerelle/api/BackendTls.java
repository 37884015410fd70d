package io.passerelle.api;

/**
 * TLS towards {@code https://} and {@code wss://} backends: the route keys {@code tls.truststore},
 * {@code tls.truststore.password} and {@code tls.verify}. SNI is always sent for host names.
 *
 * @param truststore         a PKCS12 trust store file, or null for the JDK's trust store
 * @param truststorePassword its password, or null; never printed
 * @param verify             verify the certificate chain and the host name
 * @since 2.0
 */
public record BackendTls(String truststore, String truststorePassword, boolean verify) {

    /** The JDK's trust store, verified. */
    public static final BackendTls DEFAULT = new BackendTls(null, null, true);

    @Override
    public String toString() {
        return "BackendTls[truststore=" + truststore + ", truststorePassword=" + (truststorePassword == null ? null : "***")
                + ", verify=" + verify + "]";
    }
}
