package io.passerelle.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The core's HTTP/1.1 forwarding (what mod_proxy and mod_proxy_http share in httpd): the request head made
 * for the backend (hop-by-hop fields removed, Host, X-Forwarded-*, Forwarded, Via, framing), the body
 * streamed with backpressure, keep-alive pools, the response relayed back with ProxyPassReverse, failures
 * mapped to 502/503/504, and, for an upgrade, a tunnel after a matching {@code 101}. Scheme handlers such
 * as the http and wstunnel modules each open their own {@link Forwarding} and close it when they stop.
 */
@ProviderType
public interface HttpForwarder {

    /** Opens a forwarding context with its own pools; {@link Forwarding#close()} ends what it opened. */
    Forwarding open(ForwardSettings settings);
}
