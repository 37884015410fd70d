package io.passerelle.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A streamed request body. Data arrives as read from the client, never aggregated; the reader applies
 * backpressure with {@link #suspend()} and {@link #resume()}.
 */
@ProviderType
public interface BodySource {

    /** The Content-Length, -1 for a chunked body, 0 when there is no body. */
    long length();

    /**
     * Starts delivering the body to the receiver (once). When the client sent
     * {@code Expect: 100-continue}, the core answers {@code 100 Continue} at this point.
     * A source of length 0 calls {@link BodyReceiver#onEnd()} at once.
     */
    void start(BodyReceiver receiver);

    /** Stops reading from the client until {@link #resume()}. */
    void suspend();

    void resume();
}
