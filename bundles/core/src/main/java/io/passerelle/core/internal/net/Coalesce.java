package io.passerelle.core.internal.net;

import java.nio.ByteBuffer;

/**
 * Joins small pieces into one write: a head and the first body bytes, or a chunk's size line, data and CRLF.
 * One write instead of two or three saves a MINA write request, its statistics and its messageSent event.
 */
final class Coalesce {

    /** Pieces at most this long are copied into one buffer; longer data is written as it is. */
    static final int LIMIT = 16 * 1024;

    private Coalesce() {
    }

    static ByteBuffer join(ByteBuffer... parts) {
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

    static ByteBuffer chunkSize(int n) {
        return ByteBuffer.wrap((Integer.toHexString(n) + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }
}
