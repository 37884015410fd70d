package io.passerelle.api;

import java.net.InetSocketAddress;

/**
 * The client side of an exchange.
 *
 * @param connectionId the id of the client connection (for logs)
 * @param remote       the client's address
 * @param local        the address the listener accepted on
 * @param secure       whether the client connection is TLS
 * @param listener     the name of the listener that accepted the connection
 */
public record ClientInfo(long connectionId, InetSocketAddress remote, InetSocketAddress local, boolean secure,
        String listener) {

    public String scheme() {
        return secure ? "https" : "http";
    }
}
