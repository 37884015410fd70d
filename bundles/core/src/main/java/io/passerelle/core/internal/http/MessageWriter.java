package io.passerelle.core.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The framing of one HTTP/1.1 message on its way out: a head held back to leave with the first body bytes (one
 * write where a small response or request would otherwise take two), body pieces written raw or chunk-encoded
 * (small pieces joined into one write). Used for responses to clients and requests to backends alike; the
 * connection behind {@code out} applies the watermarks.
 */
public final class MessageWriter {

    /** Pieces at most this long are copied into one write; longer data is written as it is. */
    private static final int JOIN_LIMIT = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final Consumer<ByteBuffer> out;
    private ByteBuffer head;
    private boolean chunked;

    public MessageWriter(Consumer<ByteBuffer> out) {
        this.out = out;
    }

    /** Starts a message: its serialised head, and whether its body is chunk-encoded. */
    public void head(ByteBuffer serialisedHead, boolean chunkedBody) {
        this.head = serialisedHead;
        this.chunked = chunkedBody;
    }

    /** Writes body bytes (the buffer is handed on). */
    public void data(ByteBuffer data) {
        int n = data.remaining();
        if (n == 0) {
            return;
        }
        if (chunked) {
            if (n <= JOIN_LIMIT) {
                out.accept(join(head, chunkSize(n), data, ByteBuffer.wrap(CRLF)));
                head = null;
            } else {
                flushHead();
                out.accept(chunkSize(n));
                out.accept(data);
                out.accept(ByteBuffer.wrap(CRLF));
            }
        } else if (head != null && n <= JOIN_LIMIT) {
            out.accept(join(head, data));
            head = null;
        } else {
            flushHead();
            out.accept(data);
        }
    }

    /** Ends the message: the last chunk of a chunked body, or the head alone if nothing followed it. */
    public void end() {
        if (chunked) {
            out.accept(join(head, ByteBuffer.wrap(LAST_CHUNK)));
            head = null;
            chunked = false;
        } else {
            flushHead();
        }
    }

    /** Forgets a head not sent yet (the message is abandoned). */
    public void discard() {
        head = null;
    }

    private void flushHead() {
        if (head != null) {
            out.accept(head);
            head = null;
        }
    }

    private static ByteBuffer chunkSize(int n) {
        return ByteBuffer.wrap((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    }

    private static ByteBuffer join(ByteBuffer... parts) {
        int n = 0;
        for (ByteBuffer p : parts) {
            if (p != null) {
                n += p.remaining();
            }
        }
        ByteBuffer all = ByteBuffer.allocate(n);
        for (ByteBuffer p : parts) {
            if (p != null) {
                all.put(p);
            }
        }
        return all.flip();
    }
}
