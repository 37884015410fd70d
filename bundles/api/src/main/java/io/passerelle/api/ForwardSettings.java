package io.passerelle.api;

/**
 * How a {@link Forwarding} keeps connections and marks messages.
 *
 * @param poolMaxPerBackend     idle keep-alive connections kept per backend and I/O thread (0: none)
 * @param poolIdleTimeoutMillis an idle pooled connection is closed after this long
 * @param via                   add {@code Via: 1.1 passerelle} to requests and responses
 */
public record ForwardSettings(int poolMaxPerBackend, long poolIdleTimeoutMillis, boolean via) {
}
