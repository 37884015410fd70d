package io.passerelle.core.internal.tunnel;

import java.nio.ByteBuffer;

/**
 * Follows one direction of a WebSocket stream (RFC 6455 §5.2) just enough to know where each frame ends: the
 * 2 to 14 bytes of a frame's header are read, its payload is skipped by counting. The tunnel needs this to end
 * a WebSocket with a close frame of its own (SPEC §4.9), which may only go between two frames. Nothing is
 * validated or changed: the bytes are relayed as they came.
 */
final class FrameBoundaries {

    /** Bytes of the current header read so far (0: at a boundary, or in a payload). */
    private int headerRead;
    /** The current header's length, once its second byte is known. */
    private int headerLength;
    private final byte[] header = new byte[14];
    /** Payload bytes of the current frame not yet seen. */
    private long payloadLeft;

    /** Whether the bytes seen so far end with a whole frame (or there were none). */
    boolean atBoundary() {
        return headerRead == 0 && payloadLeft == 0;
    }

    /** Follows every byte of {@code data} (its position does not move). */
    void follow(ByteBuffer data) {
        follow(data, false);
    }

    /**
     * Follows {@code data} up to the first frame boundary at or after its position and answers how many of its
     * bytes come before that boundary; all of them (its remaining count) when no frame ends within it.
     */
    int toNextBoundary(ByteBuffer data) {
        return follow(data, true);
    }

    private int follow(ByteBuffer data, boolean stopAtBoundary) {
        int start = data.position();
        int i = start;
        int end = data.limit();
        while (i < end) {
            if (stopAtBoundary && headerRead == 0 && payloadLeft == 0) {
                return i - start;
            }
            if (payloadLeft > 0) {
                int skip = (int) Math.min(payloadLeft, end - i);
                i += skip;
                payloadLeft -= skip;
                continue;
            }
            header[headerRead++] = data.get(i++);
            if (headerRead == 2) {
                int len7 = header[1] & 0x7F;
                headerLength = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((header[1] & 0x80) != 0 ? 4 : 0);
            }
            if (headerRead >= 2 && headerRead == headerLength) {
                payloadLeft = payloadLength();
                headerRead = 0;
            }
        }
        return i - start;
    }

    private long payloadLength() {
        int len7 = header[1] & 0x7F;
        if (len7 < 126) {
            return len7;
        }
        int n = len7 == 126 ? 2 : 8;
        long length = 0;
        for (int k = 0; k < n; k++) {
            length = (length << 8) | (header[2 + k] & 0xFF);
        }
        // a 64-bit length with its top bit set breaks RFC 6455; counted as the longest frame there can be
        return length < 0 ? Long.MAX_VALUE : length;
    }

    /** A close frame with status 1001 (going away), masked when it goes to a server (RFC 6455 §5.3). */
    static ByteBuffer goingAway(boolean masked) {
        if (!masked) {
            return ByteBuffer.wrap(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xE9});
        }
        byte[] mask = new byte[4];
        java.util.concurrent.ThreadLocalRandom.current().nextBytes(mask);
        return ByteBuffer.wrap(new byte[] {(byte) 0x88, (byte) 0x82, mask[0], mask[1], mask[2], mask[3],
                (byte) (0x03 ^ mask[0]), (byte) (0xE9 ^ mask[1])});
    }
}
