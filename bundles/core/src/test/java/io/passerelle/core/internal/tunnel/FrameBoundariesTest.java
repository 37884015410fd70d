package io.passerelle.core.internal.tunnel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Where WebSocket frames end in a byte stream cut anywhere (RFC 6455 §5.2), for the tunnel's 1001 (SPEC §4.9). */
class FrameBoundariesTest {

    /** A frame: FIN + opcode, the length in its 7-bit, 16-bit or 64-bit form, a mask key when masked. */
    private static byte[] frame(int opcode, int length, boolean masked) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x80 | opcode);
        int m = masked ? 0x80 : 0;
        if (length < 126) {
            out.write(m | length);
        } else if (length < 65536) {
            out.write(m | 126);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(m | 127);
            for (int i = 7; i >= 0; i--) {
                out.write((int) ((long) length >> (8 * i)));
            }
        }
        if (masked) {
            out.writeBytes(new byte[] {1, 2, 3, 4});
        }
        out.writeBytes(new byte[length]);
        return out.toByteArray();
    }

    @Test
    void everyFrameEndIsFoundWhereverTheStreamIsCut() {
        Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            ByteArrayOutputStream stream = new ByteArrayOutputStream();
            List<Integer> ends = new ArrayList<>();
            for (int f = 0; f < 12; f++) {
                int length = switch (random.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> random.nextInt(126);
                    case 2 -> 126 + random.nextInt(2000);
                    default -> 65536 + random.nextInt(1000);
                };
                stream.writeBytes(frame(random.nextInt(3), length, random.nextBoolean()));
                ends.add(stream.size());
            }
            byte[] all = stream.toByteArray();
            // cut into random pieces; after each piece, atBoundary() says whether a frame ends exactly there
            FrameBoundaries b = new FrameBoundaries();
            int at = 0;
            while (at < all.length) {
                int n = Math.min(all.length - at, 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000));
                b.follow(ByteBuffer.wrap(all, at, n));
                at += n;
                assertEquals(ends.contains(at), b.atBoundary(), "round " + round + " at " + at);
            }
        }
    }

    @Test
    void toNextBoundaryStopsAtTheEndOfTheFrameUnderWay() {
        byte[] first = frame(2, 300, true);
        byte[] second = frame(1, 5, true);
        byte[] both = new byte[first.length + second.length];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);

        FrameBoundaries b = new FrameBoundaries();
        b.follow(ByteBuffer.wrap(both, 0, 3)); // in the first frame's header
        assertFalse(b.atBoundary());
        ByteBuffer rest = ByteBuffer.wrap(both, 3, both.length - 3);
        assertEquals(first.length - 3, b.toNextBoundary(rest), "the rest of the first frame");
        assertTrue(b.atBoundary());
        assertEquals(0, b.toNextBoundary(ByteBuffer.wrap(both, first.length, second.length)), "already at a boundary");
    }

    @Test
    void toNextBoundaryTakesAllWhenNoFrameEndsInTheData() {
        byte[] big = frame(2, 70_000, false);
        FrameBoundaries b = new FrameBoundaries();
        assertEquals(0, b.toNextBoundary(ByteBuffer.wrap(big, 0, 1000)), "before any byte: at a boundary");
        b.follow(ByteBuffer.wrap(big, 0, 1));
        assertEquals(999, b.toNextBoundary(ByteBuffer.wrap(big, 1, 999)));
        assertFalse(b.atBoundary());
        assertEquals(big.length - 1000, b.toNextBoundary(ByteBuffer.wrap(big, 1000, big.length - 1000)));
        assertTrue(b.atBoundary());
    }

    @Test
    void theGoingAwayFramesAreCloseFramesWithStatus1001MaskedOnlyTowardsTheServer() {
        assertArrayEquals(new byte[] {(byte) 0x88, 2, 0x03, (byte) 0xE9}, FrameBoundaries.goingAway(false).array());
        byte[] masked = FrameBoundaries.goingAway(true).array();
        assertEquals(8, masked.length);
        assertEquals((byte) 0x88, masked[0]);
        assertEquals((byte) 0x82, masked[1], "mask bit and a 2-byte payload");
        assertEquals(1001, ((masked[6] ^ masked[2]) & 0xFF) << 8 | ((masked[7] ^ masked[3]) & 0xFF));
        FrameBoundaries b = new FrameBoundaries();
        b.follow(ByteBuffer.wrap(masked));
        assertTrue(b.atBoundary(), "one whole frame");
    }
}
