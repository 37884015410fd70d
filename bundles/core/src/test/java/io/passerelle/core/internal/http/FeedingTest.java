package io.passerelle.core.internal.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

import io.passerelle.core.internal.http.Feeding.Outcome;
import io.passerelle.core.internal.http.Feeding.Subject;

/** The helper the parser tests rely on catches parsers that depend on how their input is split. */
class FeedingTest {

    /** Completes at the first '!' and reports how many bytes it saw: correct whatever the split. */
    private static final class CountToBang implements Subject<Integer> {
        int seen;

        @Override
        public boolean feed(ByteBuffer in) {
            while (in.hasRemaining()) {
                seen++;
                if (in.get() == '!') {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Integer result() {
            return seen;
        }
    }

    @Test
    void splitIndependentParserPassesAndKeepsTheRest() {
        Outcome<Integer> o = Feeding.eachWay("abc!rest", CountToBang::new);
        assertEquals(4, o.value());
        assertEquals("rest", o.rest());
    }

    @Test
    void parserThatLooksOnlyAtWholeBuffersIsCaught() {
        // wrongly completes only when a '!' ends a buffer
        assertThrows(AssertionFailedError.class, () -> Feeding.eachWay("abc!rest", () -> new Subject<Integer>() {
            @Override
            public boolean feed(ByteBuffer in) {
                byte last = in.get(in.limit() - 1);
                in.position(in.limit());
                return last == '!';
            }

            @Override
            public Integer result() {
                return 0;
            }
        }));
    }

    @Test
    void parserThatIgnoresTheArrayOffsetIsCaught() {
        assertThrows(AssertionFailedError.class, () -> Feeding.eachWay("abcdefgh!", () -> new Subject<Integer>() {
            final StringBuilder seen = new StringBuilder();

            @Override
            public boolean feed(ByteBuffer in) {
                byte[] a = in.array();
                for (int i = in.position(); i < in.limit(); i++) {
                    seen.append((char) a[i]);
                }
                in.position(in.limit());
                return seen.indexOf("!") >= 0;
            }

            @Override
            public Integer result() {
                return seen.toString().hashCode();
            }
        }));
    }

    @Test
    void parserThatLeavesBytesUnconsumedWhenIncompleteIsCaught() {
        assertThrows(AssertionFailedError.class, () -> Feeding.eachWay("abc", () -> new Subject<Integer>() {
            @Override
            public boolean feed(ByteBuffer in) {
                return false;
            }

            @Override
            public Integer result() {
                return 0;
            }
        }));
    }
}
