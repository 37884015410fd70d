package io.passerelle.core.internal.net;

import java.nio.ByteBuffer;

/**
 * What a {@link Connection} speaks: the HTTP/1.1 server side on a client connection, the HTTP/1.1 client side on
 * a backend connection, or one side of a tunnel after a {@code 101}. A connection hands each of its events to
 * its current protocol, in its serial context; switching protocols ({@link Connection#protocol(Protocol)})
 * replaces the handler, so no handler ever asks which mode the connection is in.
 */
public interface Protocol {

    /** Bytes read from the peer (the buffer is the protocol's). */
    void onData(ByteBuffer data);

    /** The peer shut its output down (FIN); the connection stays open for writing. */
    void onInputClosed();

    /** The connection closed, for whatever reason. */
    void onClosed();

    /** Nothing was read or written for the connection's idle time ({@link Connection#idleSeconds(int)}). */
    default void onIdle() {
    }
}
