package io.passerelle.core.internal.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;

/**
 * The write side of one HTTP/1.1 message on a session: a head held back to leave with the first body bytes,
 * body pieces framed raw or chunked (small pieces joined into one write), and watermark backpressure.
 * Used for responses to clients and requests to backends alike.
 */
final class FramedOutput {

    static final int HIGH_WATER = 256 * 1024;
    static final int LOW_WATER = 64 * 1024;
    /** Pieces at most this long are copied into one write; longer data is written as it is. */
    private static final int JOIN_LIMIT = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final IoSession session;
    private ByteBuffer head;
    private boolean chunked;
    private Runnable drainTask;

    FramedOutput(IoSession session) {
        this.session = session;
    }

    /** Starts a message: its serialised head, and whether its body is chunk-encoded. */
    void head(ByteBuffer serialisedHead, boolean chunkedBody) {
        this.head = serialisedHead;
        this.chunked = chunkedBody;
    }

    /** Writes body bytes (the buffer becomes MINA's). @return whether the peer keeps up (under the high mark) */
    boolean data(ByteBuffer data) {
        int n = data.remaining();
        if (n == 0) {
            return writable();
        }
        if (chunked) {
            if (n <= JOIN_LIMIT) {
                write(join(head, chunkSize(n), data, ByteBuffer.wrap(CRLF)));
                head = null;
            } else {
                flushHead();
                write(chunkSize(n));
                write(data);
                write(ByteBuffer.wrap(CRLF));
            }
        } else if (head != null && n <= JOIN_LIMIT) {
            write(join(head, data));
            head = null;
        } else {
            flushHead();
            write(data);
        }
        return writable();
    }

    /** Ends the message: the last chunk of a chunked body, or the head alone if nothing followed it. */
    void end() {
        if (chunked) {
            write(join(head, ByteBuffer.wrap(LAST_CHUNK)));
            head = null;
            chunked = false;
        } else {
            flushHead();
        }
    }

    /** Forgets a head not sent yet (the message is abandoned). */
    void discard() {
        head = null;
    }

    boolean writable() {
        return session.getScheduledWriteBytes() < HIGH_WATER;
    }

    /** Runs the task once the queued bytes fall under the low mark (at once if they are). */
    void onDrain(Runnable task) {
        if (session.getScheduledWriteBytes() < LOW_WATER) {
            task.run();
        } else {
            drainTask = task;
        }
    }

    /** The session's messageSent: runs the drain task when the queue fell under the low mark. */
    void sent() {
        Runnable task = drainTask;
        if (task != null && session.getScheduledWriteBytes() < LOW_WATER) {
            drainTask = null;
            task.run();
        }
    }

    void clearDrain() {
        drainTask = null;
    }

    private void flushHead() {
        if (head != null) {
            write(head);
            head = null;
        }
    }

    private void write(ByteBuffer b) {
        session.write(IoBuffer.wrap(b));
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
