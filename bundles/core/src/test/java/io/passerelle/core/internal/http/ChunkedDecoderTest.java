package io.passerelle.core.internal.http;

import static io.passerelle.core.internal.http.Feeding.assertDone;
import static io.passerelle.core.internal.http.Feeding.assertStatus;
import static io.passerelle.core.internal.http.Feeding.repeat;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.passerelle.core.internal.http.Feeding.Outcome;
import io.passerelle.core.internal.http.Feeding.Subject;

/** The chunked transfer coding (RFC 9112 §7.1) and the "malformed chunk sizes" rule of SPEC §8. */
class ChunkedDecoderTest {

    private static final int MAX_TRAILER = 1024;
    /** What follows the body on the connection: must never be consumed by the decoder. */
    private static final String NEXT = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";

    static Outcome<String> decode(String input) {
        return decode(input, 400);
    }

    static Outcome<String> decode(String input, int errorStatus) {
        return Feeding.eachWay(input, () -> new Subject<>() {
            final ChunkedDecoder decoder = new ChunkedDecoder(MAX_TRAILER, errorStatus);
            final ByteArrayOutputStream data = new ByteArrayOutputStream();

            @Override
            public boolean feed(ByteBuffer in) throws HttpParseException {
                return decoder.decode(in, slice -> {
                    assertTrue(slice.hasRemaining(), "no empty slices");
                    data.writeBytes(Feeding.remaining(slice));
                });
            }

            @Override
            public String result() {
                assertTrue(decoder.isDone());
                return data.toString(StandardCharsets.ISO_8859_1);
            }
        });
    }

    @Test
    void singleChunkGivesItsDataAndStopsAfterTheBody() {
        Outcome<String> o = decode("5\r\nhello\r\n0\r\n\r\n" + NEXT);
        assertEquals("hello", assertDone(o));
        assertEquals(NEXT, o.rest());
    }

    @Test
    void emptyBodyIsJustTheLastChunk() {
        Outcome<String> o = decode("0\r\n\r\n" + NEXT);
        assertEquals("", assertDone(o));
        assertEquals(NEXT, o.rest());
    }

    @Test
    void chunkExtensionsAreDropped() {
        Outcome<String> o = decode("5;name=value\r\nhello\r\n6 ; x ; y=\"quoted; str\"\r\n world\r\n0;last\r\n\r\n" + NEXT);
        assertEquals("hello world", assertDone(o));
        assertEquals(NEXT, o.rest());
    }

    @Test
    void trailersAreDropped() {
        Outcome<String> o = decode("3\r\nabc\r\n0\r\nX-Checksum: 1234\r\nX-Other: a b c\r\n\r\n" + NEXT);
        assertEquals("abc", assertDone(o));
        assertEquals(NEXT, o.rest());
    }

    @Test
    void hexSizesInEitherCaseWithLeadingZeros() {
        String a = repeat('a', 0x1a);
        String b = repeat('b', 0xff);
        String c = repeat('c', 0x100);
        Outcome<String> o = decode("1A\r\n" + a + "\r\nfF\r\n" + b + "\r\n000100\r\n" + c + "\r\n000\r\n\r\n");
        assertEquals(a + b + c, assertDone(o));
        assertEquals("", o.rest());
    }

    @Test
    void manyChunksGiveTheExactData() {
        Random random = new Random(7);
        StringBuilder body = new StringBuilder();
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            int n = 1 + random.nextInt(40);
            StringBuilder chunk = new StringBuilder();
            for (int j = 0; j < n; j++) {
                // every byte value, CR and LF included, may appear in chunk data
                chunk.append((char) random.nextInt(256));
            }
            body.append(Integer.toHexString(n)).append(i % 3 == 0 ? ";i=" + i : "").append("\r\n").append(chunk)
                    .append("\r\n");
            expected.append(chunk);
        }
        body.append("0\r\n\r\n");
        Outcome<String> o = decode(body + NEXT);
        assertEquals(expected.toString(), assertDone(o));
        assertEquals(NEXT, o.rest());
    }

    @Test
    void dataThatLooksLikeChunkSyntaxIsJustData() {
        String data = "0\r\n\r\n";
        Outcome<String> o = decode("5\r\n" + data + "\r\n0\r\n\r\n" + NEXT);
        assertEquals(data, assertDone(o));
        assertEquals(NEXT, o.rest());
    }

    @Test
    void incompleteBodyIsNotDone() {
        for (String partial : new String[] {"5\r\nhel", "5\r\nhello\r\n", "5\r\nhello\r\n0\r\n", "0\r\nX-T: 1\r\n"}) {
            assertEquals(Outcome.INCOMPLETE, decode(partial).status(), partial);
        }
    }

    @Test
    void decodingAfterTheEndConsumesNothing() throws HttpParseException {
        ChunkedDecoder decoder = new ChunkedDecoder(MAX_TRAILER, 400);
        assertFalse(decoder.isDone());
        ByteBuffer in = ByteBuffer.wrap(Feeding.bytes("0\r\n\r\n" + NEXT));
        assertTrue(decoder.decode(in, s -> { }));
        int after = in.position();
        assertEquals(5, after);
        assertTrue(decoder.decode(in, s -> { }));
        assertEquals(after, in.position());
        assertTrue(decoder.isDone());
    }

    @Test
    void slicesShareTheInputWithoutCopying() throws HttpParseException {
        byte[] array = Feeding.bytes("5\r\nhello\r\n0\r\n\r\n");
        ByteBuffer in = ByteBuffer.wrap(array);
        ByteBuffer[] got = new ByteBuffer[1];
        new ChunkedDecoder(MAX_TRAILER, 400).decode(in, s -> got[0] = s);
        assertTrue(got[0].hasArray());
        assertTrue(got[0].array() == array, "a slice of the input buffer");
        assertArrayEquals(Feeding.bytes("hello"), Feeding.remaining(got[0]));
    }

    @Test
    void malformedChunkSizeIs400() {
        for (String size : new String[] {"zz", "", "-1", "+5", "0x5", " 5", "5\u0000", "g"}) {
            assertStatus(400, decode(size + "\r\nhello\r\n0\r\n\r\n"));
        }
    }

    @Test
    void chunkSizeWithTooManyHexDigitsIs400() {
        assertStatus(400, decode("1000000000000000\r\n" + "x"));
        assertStatus(400, decode("FFFFFFFFFFFFFFFFF\r\n"));
        assertStatus(400, decode(repeat('0', 16) + "5\r\nhello\r\n0\r\n\r\n"));
    }

    @Test
    void sizeFollowedByAnythingButExtensionIs400() {
        assertStatus(400, decode("5 6\r\nhello\r\n0\r\n\r\n"));
        assertStatus(400, decode("5 x\r\nhello\r\n0\r\n\r\n"));
        assertStatus(400, decode("0 1\r\n\r\n"));
    }

    @Test
    void missingCrlfAfterDataIs400() {
        assertStatus(400, decode("5\r\nhelloX\r\n0\r\n\r\n"));
        assertStatus(400, decode("5\r\nhello0\r\n\r\n"));
        assertStatus(400, decode("3\r\nhello\r\n0\r\n\r\n"));
        assertStatus(400, decode("5\r\nhello\r0\r\n\r\n"));
    }

    @Test
    void bareLfIs400() {
        assertStatus(400, decode("5\nhello\r\n0\r\n\r\n"));
        assertStatus(400, decode("5\r\nhello\n0\r\n\r\n"));
        assertStatus(400, decode("5;ext\nhello\r\n0\r\n\r\n"));
        assertStatus(400, decode("5\r\nhello\r\n0\n\r\n"));
        assertStatus(400, decode("5\r\nhello\r\n0\r\n\n"));
        assertStatus(400, decode("0\r\nX-T: 1\n\r\n"));
    }

    @Test
    void bareCrIs400() {
        assertStatus(400, decode("5\r\rhello\r\n0\r\n\r\n"));
        assertStatus(400, decode("0\r\n\rX"));
        assertStatus(400, decode("0\r\nX-T: 1\rX\r\n\r\n"));
    }

    @Test
    void controlCharacterInExtensionOrTrailerIs400() {
        assertStatus(400, decode("5;a\u0001\r\nhello\r\n0\r\n\r\n"));
        assertStatus(400, decode("0\r\nX-T: a\u0000b\r\n\r\n"));
    }

    @Test
    void oversizedTrailerIs400() {
        assertStatus(400, decode("0\r\nX-T: " + repeat('t', MAX_TRAILER) + "\r\n\r\n"));
        assertEquals("", assertDone(decode("0\r\nX-T: " + repeat('t', MAX_TRAILER - 10) + "\r\n\r\n")));
    }

    @Test
    void errorsCarryTheStatusTheDecoderWasMadeWith() {
        assertStatus(502, decode("zz\r\n", 502));
        assertStatus(502, decode("5\r\nhelloX", 502));
    }
}
