package io.passerelle.core.internal.http;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

import io.passerelle.common.http.Tokens;

/**
 * Incremental decoder of the chunked transfer coding (RFC 9112 §7.1). Emits the chunk data as slices of
 * the input buffers (no copy); chunk extensions and trailer fields are read, bounded and dropped.
 * Malformed sizes or missing CRLFs are errors.
 */
public final class ChunkedDecoder {

    private static final int MAX_SIZE_DIGITS = 15;
    private static final int MAX_EXTENSION = 4096;

    private enum State { SIZE, SIZE_WS, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_LF, LAST_LF, DONE }

    private final int maxTrailerBytes;
    private final int errorStatus;
    private State state = State.SIZE;
    private long remaining;
    private int digits;
    private int extra;

    /**
     * @param maxTrailerBytes bound on chunk trailers
     * @param errorStatus     the status carried by errors (400 for requests, 502 for responses)
     */
    public ChunkedDecoder(int maxTrailerBytes, int errorStatus) {
        this.maxTrailerBytes = maxTrailerBytes;
        this.errorStatus = errorStatus;
    }

    /**
     * Decodes what it can of {@code in}, handing data slices to {@code out}.
     *
     * @return true when the last chunk and trailers are complete; the position of {@code in} is then just
     *         after the body
     */
    public boolean decode(ByteBuffer in, Consumer<ByteBuffer> out) throws HttpParseException {
        while (in.hasRemaining()) {
            switch (state) {
                case DATA -> {
                    ByteBuffer slice = Buffers.take(in, remaining);
                    remaining -= slice.remaining();
                    if (remaining == 0) {
                        state = State.DATA_CR;
                    }
                    out.accept(slice);
                }
                case SIZE -> {
                    byte b = in.get();
                    int d = Character.digit(b, 16);
                    if (d >= 0) {
                        if (++digits > MAX_SIZE_DIGITS) {
                            throw error("chunk size too large");
                        }
                        remaining = remaining << 4 | d;
                    } else if (digits == 0) {
                        throw error("malformed chunk size");
                    } else if (b == ';') {
                        extra = 0;
                        state = State.EXTENSION;
                    } else if (b == ' ' || b == '\t') {
                        state = State.SIZE_WS;
                    } else if (b == '\r') {
                        state = State.SIZE_LF;
                    } else {
                        throw error("malformed chunk size");
                    }
                }
                case SIZE_WS -> {
                    // RFC 9112 §7.1.1: only whitespace and then a ';' may follow the size
                    byte b = in.get();
                    if (b == ';') {
                        extra = 0;
                        state = State.EXTENSION;
                    } else if (b != ' ' && b != '\t') {
                        throw error("malformed chunk size");
                    }
                }
                case EXTENSION -> {
                    byte b = in.get();
                    if (b == '\r') {
                        state = State.SIZE_LF;
                    } else if (!Tokens.isFieldChar(b) || ++extra > MAX_EXTENSION) {
                        throw error("malformed chunk extension");
                    }
                }
                case SIZE_LF -> {
                    expect(in.get(), '\n');
                    digits = 0;
                    if (remaining == 0) {
                        extra = 0;
                        state = State.TRAILER_START;
                    } else {
                        state = State.DATA;
                    }
                }
                case DATA_CR -> {
                    expect(in.get(), '\r');
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    expect(in.get(), '\n');
                    state = State.SIZE;
                }
                case TRAILER_START -> {
                    byte b = in.get();
                    if (b == '\r') {
                        state = State.LAST_LF;
                    } else {
                        trailerByte(b);
                        state = State.TRAILER;
                    }
                }
                case TRAILER -> {
                    byte b = in.get();
                    if (b == '\r') {
                        state = State.TRAILER_LF;
                    } else {
                        trailerByte(b);
                    }
                }
                case TRAILER_LF -> {
                    expect(in.get(), '\n');
                    state = State.TRAILER_START;
                }
                case LAST_LF -> {
                    expect(in.get(), '\n');
                    state = State.DONE;
                    return true;
                }
                case DONE -> {
                    return true;
                }
                default -> throw new IllegalStateException();
            }
        }
        return state == State.DONE;
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    private void trailerByte(byte b) throws HttpParseException {
        if (!Tokens.isFieldChar(b) || ++extra > maxTrailerBytes) {
            throw error("malformed or oversized trailer");
        }
    }

    private void expect(byte b, char c) throws HttpParseException {
        if (b != c) {
            throw error("missing CRLF in chunked body");
        }
    }

    private HttpParseException error(String reason) {
        return new HttpParseException(errorStatus, reason);
    }
}
