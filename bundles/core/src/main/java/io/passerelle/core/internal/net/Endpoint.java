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

    /** {@code host:port}, with {@code +tls} for TLS: what a pool keys its connections by. */
    public String key() {
        return host + ":" + port + (tls != null ? "+tls" : "");
    }
}
