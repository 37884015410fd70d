package io.passerelle.core.internal.net;

import io.passerelle.api.BackendTls;

/**
 * Where a backend connection goes.
 *
 * @param host                 a host name or an IP literal ({@code [::1]} for IPv6)
 * @param tls                  TLS settings, or null for plain TCP
 * @param connectTimeoutMillis give up after this long
 */
public record Endpoint(String host, int port, BackendTls tls, long connectTimeoutMillis) {

    /**
     * {@code host:port}, with {@code +tls} for TLS and, unless it is the JDK's verified default, the trust it was
     * verified with: what a pool keys its connections by, so that a connection verified against one route's trust
     * store is never reused by a route that trusts less.
     */
    public String key() {
        if (tls == null) {
            return host + ":" + port;
        }
        if (tls.equals(BackendTls.DEFAULT)) {
            return host + ":" + port + "+tls";
        }
        return host + ":" + port + "+tls(" + (tls.truststore() == null ? "jdk" : tls.truststore())
                + (tls.verify() ? "" : ", unverified") + ")";
    }
}
