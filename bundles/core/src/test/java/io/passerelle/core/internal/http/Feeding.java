package io.passerelle.core.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

import io.passerelle.api.HttpFields;

/**
 * Feeds the same input to an incremental parser whole, byte by byte and in {@value #RANDOM_SPLITS} seeded
 * random splits, and checks that every way gives the same outcome. The pieces of the random splits sit in
 * the middle of larger arrays padded with NUL bytes, so a parser that ignores a buffer's position, limit or
 * array offset fails.
 */
final class Feeding {

    static final int RANDOM_SPLITS = 20;
    private static final long SEED = 0x5EED_2025L;

    private Feeding() {
    }

    /** One incremental parser, fresh for each way of feeding. */
    interface Subject<R> {

        /** Feeds one buffer; true when the subject is complete. */
        boolean feed(ByteBuffer in) throws HttpParseException;

        /** What the complete subject produced (may still reject it). */
        R result() throws HttpParseException;
    }

    /**
     * What feeding produced.
     *
     * @param value  the result when complete, else null
     * @param rest   the bytes left unconsumed after completion (ISO-8859-1), else null
     * @param status the error status, 0 when complete, -1 when the input ran out before completion
     */
    record Outcome<R>(R value, String rest, int status) {

        static final int DONE = 0;
        static final int INCOMPLETE = -1;

        boolean done() {
            return status == DONE;
        }
    }

    record Way(String name, List<ByteBuffer> pieces) {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static <R> Outcome<R> eachWay(String input, Supplier<Subject<R>> fresh) {
        return eachWay(bytes(input), fresh);
    }

    /** Feeds every way, asserts that all give the outcome of feeding the input whole, and returns it. */
    static <R> Outcome<R> eachWay(byte[] input, Supplier<Subject<R>> fresh) {
        List<Way> ways = ways(input);
        Outcome<R> whole = feed(ways.get(0), fresh.get());
        for (Way way : ways.subList(1, ways.size())) {
            Outcome<R> other = feed(way, fresh.get());
            assertEquals(whole, other, () -> "fed " + way.name() + " instead of whole");
        }
        return whole;
    }

    static List<Way> ways(byte[] input) {
        List<Way> ways = new ArrayList<>();
        ways.add(new Way("whole", List.of(ByteBuffer.wrap(input.clone()))));
        List<ByteBuffer> single = new ArrayList<>(input.length);
        for (byte b : input) {
            single.add(ByteBuffer.wrap(new byte[] {b}));
        }
        ways.add(new Way("byte by byte", single));
        for (int i = 0; i < RANDOM_SPLITS; i++) {
            Random random = new Random(SEED + i);
            List<ByteBuffer> pieces = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();
            int pos = 0;
            while (pos < input.length) {
                int bound = random.nextBoolean() ? 4 : Math.max(1, input.length / 3);
                int n = Math.min(input.length - pos, 1 + random.nextInt(bound));
                pieces.add(embedded(input, pos, n, random));
                lengths.add(n);
                pos += n;
            }
            ways.add(new Way("in random split #" + i + " " + lengths, pieces));
        }
        return ways;
    }

    /** {@code n} bytes of {@code src} from {@code from}, as a buffer in the middle of a NUL-padded array. */
    private static ByteBuffer embedded(byte[] src, int from, int n, Random random) {
        int before = random.nextInt(5);
        int after = random.nextInt(5);
        byte[] array = new byte[before + n + after];
        System.arraycopy(src, from, array, before, n);
        ByteBuffer whole = ByteBuffer.wrap(array);
        if (random.nextBoolean()) {
            return whole.position(before).limit(before + n);
        }
        // a slice has a non-zero array offset
        return whole.position(before).slice().limit(n);
    }

    static <R> Outcome<R> feed(Way way, Subject<R> subject) {
        List<ByteBuffer> pieces = way.pieces().stream().map(ByteBuffer::duplicate).toList();
        try {
            for (int i = 0; i < pieces.size(); i++) {
                ByteBuffer in = pieces.get(i);
                if (subject.feed(in)) {
                    ByteArrayOutputStream rest = new ByteArrayOutputStream();
                    rest.writeBytes(remaining(in));
                    for (ByteBuffer later : pieces.subList(i + 1, pieces.size())) {
                        rest.writeBytes(remaining(later));
                    }
                    R value = subject.result();
                    return new Outcome<>(value, rest.toString(StandardCharsets.ISO_8859_1), Outcome.DONE);
                }
                assertFalse(in.hasRemaining(), () -> "an incomplete parse left bytes unconsumed, fed " + way.name());
            }
            return new Outcome<>(null, null, Outcome.INCOMPLETE);
        } catch (HttpParseException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "an error says what was wrong");
            return new Outcome<>(null, null, e.status());
        }
    }

    static byte[] remaining(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    static List<HttpFields.Field> fields(HttpFields f) {
        List<HttpFields.Field> list = new ArrayList<>();
        for (HttpFields.Field field : f) {
            list.add(field);
        }
        return list;
    }

    static <R> R assertDone(Outcome<R> outcome) {
        if (!outcome.done()) {
            fail("expected a complete parse, got " + describe(outcome));
        }
        return outcome.value();
    }

    static void assertStatus(int status, Outcome<?> outcome) {
        assertEquals(status, outcome.status(), () -> "expected " + status + ", got " + describe(outcome));
    }

    private static String describe(Outcome<?> o) {
        return switch (o.status()) {
            case Outcome.DONE -> "a complete parse " + o.value();
            case Outcome.INCOMPLETE -> "an incomplete parse";
            default -> "status " + o.status();
        };
    }

    static String repeat(char c, int n) {
        char[] chars = new char[n];
        Arrays.fill(chars, c);
        return new String(chars);
    }
}
