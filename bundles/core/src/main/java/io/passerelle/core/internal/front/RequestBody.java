package io.passerelle.core.internal.front;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.passerelle.api.BodyReceiver;
import io.passerelle.api.BodySource;
import io.passerelle.core.internal.http.Buffers;
import io.passerelle.core.internal.http.ChunkedDecoder;
import io.passerelle.core.internal.http.HttpParseException;

/**
 * The request body of one exchange, streamed from the client connection: nothing is read before the handler
 * starts it (so no byte is read before the backend is ready), and it is delivered as it arrives.
 */
final class RequestBody implements BodySource {

    private static final ByteBuffer CONTINUE = ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes());

    private final FrontHandler conn;
    private final long length;
    private final boolean expectContinue;
    private final ChunkedDecoder chunked;
    private long remaining;
    private BodyReceiver receiver;
    private boolean suspended;
    private boolean ended;
    private boolean failed;
    private long received;

    /**
     * The body of an exchange that became a tunnel with its (empty) body read: nothing more to read, shared by
     * every idle tunnel instead of one object each.
     */
    static final RequestBody NONE = new RequestBody(null, 0, false);

        RequestBody(FrontHandler conn, long length, boolean expectContinue) {
        this.conn = conn;
        this.length = length;
        this.expectContinue = expectContinue;
        this.remaining = length;
        this.chunked = length < 0 ? new ChunkedDecoder(conn.headerMaxBytes(), 400) : null;
        this.ended = length == 0;
    }

    /** Body bytes received from the client so far. */
    long received() {
        return received;
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void start(BodyReceiver r) {
        if (receiver != null) {
            throw new IllegalStateException("body already started");
        }
        if (this == NONE) {
            r.onEnd();
            return;
        }
        receiver = r;
        if (ended) {
            r.onEnd();
            return;
        }
        if (expectContinue && received == 0 && !conn.hasPending()) {
            conn.connection().write(CONTINUE.duplicate());
        }
        conn.bodyWanted();
    }

    @Override
    public void suspend() {
        if (this == NONE) {
            return;
        }
        suspended = true;
        conn.updateRead();
    }

    @Override
    public void resume() {
        if (suspended && this != NONE) {
            suspended = false;
            conn.bodyWanted();
        }
    }

    /** Whether the connection should read for this body now. */
    boolean wantsData() {
        return receiver != null && !ended && !suspended && !failed;
    }

    boolean ended() {
        return ended;
    }

    /**
     * Takes the body bytes at the start of {@code in}; leaves whatever follows the body.
     *
     * @return false on a framing error (the connection must close)
     */
    boolean feed(ByteBuffer in) {
        if (chunked == null) {
            ByteBuffer slice = Buffers.take(in, remaining);
            remaining -= slice.remaining();
            received += slice.remaining();
            if (remaining == 0) {
                ended = true;
            }
            receiver.onData(slice);
            if (ended) {
                receiver.onEnd();
            }
            return true;
        }
        try {
            int before = in.position();
            boolean done = chunked.decode(in, receiver::onData);
            received += in.position() - before;
            if (done) {
                ended = true;
                receiver.onEnd();
            }
            return true;
        } catch (HttpParseException e) {
            failed = true;
            receiver.onError(new IOException("request body framing error: " + e.getMessage()));
            return false;
        }
    }

    /** The client went away before the body ended. */
    void clientGone() {
        if (receiver != null && !ended && !failed) {
            failed = true;
            receiver.onError(new IOException("client closed the connection during the request body"));
        }
    }
}
