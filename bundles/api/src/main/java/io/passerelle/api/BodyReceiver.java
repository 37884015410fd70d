package io.passerelle.api;

import java.nio.ByteBuffer;

import org.osgi.annotation.versioning.ConsumerType;

/** Receives a streamed body (request body from the client, response body from a backend). */
@ConsumerType
public interface BodyReceiver {

    /** A piece of the body (decoded from chunked framing if it was chunked). The buffer is the receiver's. */
    void onData(ByteBuffer data);

    /** The body is complete. */
    void onEnd();

    /**
     * The body cannot be completed: the peer went away or broke the framing. After this no other call
     * arrives.
     */
    void onError(Exception cause);
}
