package io.passerelle.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Serves the exchanges whose backend URL has a given scheme. Registered as a service with the
 * {@value #SCHEME} property naming the scheme(s) it serves, e.g. {@code scheme=http} or
 * {@code scheme=[http,https]}.
 */
@ConsumerType
public interface SchemeHandler {

    /** The service property naming the served scheme(s). */
    String SCHEME = "scheme";

    /**
     * Whether this handler takes the request at all. Returning false lets the route table try the next
     * matching route (a {@code ws://} route does not match a request without upgrade unless it falls back to
     * HTTP). Called in the exchange's context, before {@link #handle}.
     */
    default boolean accepts(RequestHead request, ProxyTarget target) {
        return true;
    }

    /**
     * Serves the exchange: connect to the backend, forward, stream the response. Must not block; the work
     * goes on in callbacks. The handler must end the response (or tunnel it) in every case.
     */
    void handle(Exchange exchange, ProxyTarget target);
}
