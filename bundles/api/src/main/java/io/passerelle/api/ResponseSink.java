package io.passerelle.api;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a handler writes the response of an exchange. The front end frames it: with the
 * {@code Content-Length} given in the head, else chunked (HTTP/1.1) or until close (HTTP/1.0).
 */
@ProviderType
public interface ResponseSink {

    /** Sends the response head. Hop-by-hop headers are the handler's job to remove. */
    void head(ResponseHead head);

    /**
     * Sends a piece of the body (the buffer becomes the core's).
     *
     * @return false when the client is behind (more than a high watermark queued): the caller should stop
     *         producing until {@link #onDrain(Runnable)} fires
     */
    boolean write(ByteBuffer data);

    /** Runs the task once, in the exchange's context, when the queued output falls under the low watermark. */
    void onDrain(Runnable task);

    /** Ends the response. The connection goes on with its next request if keep-alive allows. */
    void end();

    /**
     * Answers with a short error response made by the proxy (status line, short text body, nothing echoed
     * from the request). Only before {@link #head(ResponseHead)}; after it, this aborts the connection.
     */
    void error(int status);

    /** Closes the client connection at once (the response, if started, is truncated). */
    void abort();

    /** Whether the head was sent. */
    boolean isCommitted();
}
