package io.passerelle.core.internal.http;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Splits a message head into lines, incrementally, across any number of buffers. A line ends with CRLF
 * (a bare LF is accepted, as RFC 9112 §2.2 allows); a CR not followed by LF is an error. Bounds the
 * first line and the whole head.
 */
final class HeadLineReader {

    private final int maxFirstLine;
    private final int maxHead;
    private final int firstLineStatus;
    private final int headStatus;
    private final int syntaxStatus;
    private static final int INITIAL = 128;
    private static final int KEPT = 1024;

    private byte[] line = new byte[INITIAL];
    private int length;
    private int headBytes;
    private boolean sawCr;
    private boolean firstLine = true;

    HeadLineReader(int maxFirstLine, int maxHead, int firstLineStatus, int headStatus, int syntaxStatus) {
        this.syntaxStatus = syntaxStatus;
        this.maxFirstLine = maxFirstLine;
        this.maxHead = maxHead;
        this.firstLineStatus = firstLineStatus;
        this.headStatus = headStatus;
    }

    /**
     * Reads up to the end of the next line.
     *
     * @return true when a line is complete ({@link #line()}, {@link #length()}); false when the buffer ran out
     */
    boolean readLine(ByteBuffer in) throws HttpParseException {
        if (in.hasArray() && !sawCr) {
            return readLineFromArray(in);
        }
        return readLineSlowly(in);
    }

    /** The common case: scans the backing array for the end of the line and copies the line at once. */
    private boolean readLineFromArray(ByteBuffer in) throws HttpParseException {
        byte[] a = in.array();
        int start = in.arrayOffset() + in.position();
        int end = in.arrayOffset() + in.limit();
        int i = start;
        while (i < end) {
            byte b = a[i];
            if (b == '\r' || b == '\n') {
                break;
            }
            i++;
        }
        int n = i - start;
        if (headBytes + n > maxHead || (firstLine && length + n > maxFirstLine)) {
            return readLineSlowly(in); // let the byte-wise path find exactly where the limit is crossed
        }
        if (length + n > line.length) {
            line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
        }
        System.arraycopy(a, start, line, length, n);
        length += n;
        headBytes += n;
        in.position(in.position() + n);
        return in.hasRemaining() && readLineSlowly(in);
    }

    private boolean readLineSlowly(ByteBuffer in) throws HttpParseException {
        while (in.hasRemaining()) {
            byte b = in.get();
            if (++headBytes > maxHead) {
                throw new HttpParseException(firstLine ? firstLineStatus : headStatus, "head too large");
            }
            if (sawCr) {
                if (b != '\n') {
                    throw new HttpParseException(syntaxStatus, "bare CR in head");
                }
                sawCr = false;
                return true;
            }
            if (b == '\r') {
                sawCr = true;
                continue;
            }
            if (b == '\n') {
                return true;
            }
            if (firstLine && length >= maxFirstLine) {
                throw new HttpParseException(firstLineStatus, "first line too long");
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, line.length * 2);
            }
            line[length++] = b;
        }
        return false;
    }

    /**
     * Ready for the next head (each keep-alive request or response would otherwise cost a reader and its
     * buffer): keeps the line buffer unless a long line grew it past {@value #KEPT}.
     */
    void reset() {
        if (line.length > KEPT) {
            line = new byte[INITIAL];
        }
        length = 0;
        headBytes = 0;
        sawCr = false;
        firstLine = true;
    }

    byte[] line() {
        return line;
    }

    int length() {
        return length;
    }

    /** Forgets the current line; {@code first} tells whether the next line is still the first one. */
    void next(boolean first) {
        length = 0;
        firstLine = first;
    }

    int headBytes() {
        return headBytes;
    }
}
