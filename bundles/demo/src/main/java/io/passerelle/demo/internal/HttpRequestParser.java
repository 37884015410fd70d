package io.passerelle.demo.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.mina.core.buffer.IoBuffer;

import io.passerelle.common.http.Tokens;

/**
 * Incremental HTTP/1.x request parser. It is fed whatever bytes arrived and reports the head, each body
 * piece as it is read (Content-Length or chunked framing, never aggregated) and the end of the request.
 * One instance parses the successive requests of one connection.
 */
final class HttpRequestParser {

    interface Listener {
        void onHead(RequestHead head);

        /** A piece of the request body; only valid during the call. */
        void onBody(IoBuffer piece);

        void onEnd();
    }

    static final int MAX_REQUEST_LINE = 8 * 1024;
    static final int MAX_HEAD = 64 * 1024;
    static final int MAX_HEADERS = 200;
    private static final int MAX_CHUNK_LINE = 1024;
    private static final int MAX_TRAILERS = 100;

    private enum State { REQUEST_LINE, HEADER, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_DATA_END, TRAILER }

    private State state = State.REQUEST_LINE;
    private byte[] line = new byte[256];
    private int lineLength;
    private boolean sawCr;
    private int headBytes;
    private int trailers;
    private String requestLine;
    private String method;
    private String target;
    private String version;
    private final List<RequestHead.Header> headers = new ArrayList<>();
    private long remaining;

    /**
     * Consumes bytes from {@code in} until it is empty or a request has ended.
     *
     * @return true if a request ended (the bytes after it are left in {@code in})
     */
    boolean parse(IoBuffer in, Listener listener) throws HttpParseException {
        while (in.hasRemaining()) {
            switch (state) {
                case BODY, CHUNK_DATA -> {
                    deliver(in, listener);
                    if (remaining == 0) {
                        if (state == State.CHUNK_DATA) {
                            state = State.CHUNK_DATA_END;
                        } else {
                            end(listener);
                            return true;
                        }
                    }
                }
                default -> {
                    String text = readLine(in);
                    if (text != null && lineDone(text, listener)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** True when no request is partly parsed. */
    boolean idle() {
        return state == State.REQUEST_LINE && lineLength == 0 && !sawCr && headBytes == 0;
    }

    private void deliver(IoBuffer in, Listener listener) {
        int n = (int) Math.min(remaining, in.remaining());
        int limit = in.limit();
        in.limit(in.position() + n);
        IoBuffer piece = in.slice();
        in.limit(limit);
        in.position(in.position() + n);
        remaining -= n;
        listener.onBody(piece);
    }

    private String readLine(IoBuffer in) throws HttpParseException {
        int max = switch (state) {
            case REQUEST_LINE -> MAX_REQUEST_LINE;
            case HEADER -> MAX_HEAD - headBytes;
            case CHUNK_SIZE, CHUNK_DATA_END -> MAX_CHUNK_LINE;
            default -> MAX_REQUEST_LINE;
        };
        while (in.hasRemaining()) {
            byte b = in.get();
            if (sawCr) {
                if (b != '\n') {
                    throw new HttpParseException(400, "bare CR");
                }
                sawCr = false;
                return takeLine();
            }
            if (b == '\r') {
                sawCr = true;
            } else if (b == '\n') {
                return takeLine();
            } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
                throw new HttpParseException(400, "control character");
            } else if (lineLength >= max) {
                throw tooLong();
            } else {
                if (lineLength == line.length) {
                    line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_HEAD));
                }
                line[lineLength++] = b;
            }
        }
        return null;
    }

    private HttpParseException tooLong() {
        return switch (state) {
            case REQUEST_LINE -> new HttpParseException(414, "request line too long");
            case HEADER -> new HttpParseException(431, "request head too large");
            default -> new HttpParseException(400, "line too long");
        };
    }

    private String takeLine() {
        String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
        if (state == State.REQUEST_LINE || state == State.HEADER) {
            headBytes += lineLength + 2;
            if (headBytes > MAX_HEAD) {
                headBytes = MAX_HEAD;
            }
        }
        lineLength = 0;
        return text;
    }

    /** @return true if the request ended with this line */
    private boolean lineDone(String text, Listener listener) throws HttpParseException {
        switch (state) {
            case REQUEST_LINE -> {
                if (!text.isEmpty()) {
                    requestLine(text);
                    state = State.HEADER;
                } else if (headBytes >= MAX_HEAD) {
                    throw new HttpParseException(400, "empty lines only");
                }
                return false;
            }
            case HEADER -> {
                if (text.isEmpty()) {
                    return headDone(listener);
                }
                header(text);
                return false;
            }
            case CHUNK_SIZE -> {
                remaining = chunkSize(text);
                state = remaining == 0 ? State.TRAILER : State.CHUNK_DATA;
                return false;
            }
            case CHUNK_DATA_END -> {
                if (!text.isEmpty()) {
                    throw new HttpParseException(400, "chunk data longer than its size");
                }
                state = State.CHUNK_SIZE;
                return false;
            }
            case TRAILER -> {
                if (text.isEmpty()) {
                    end(listener);
                    return true;
                }
                if (++trailers > MAX_TRAILERS) {
                    throw new HttpParseException(400, "too many trailer fields");
                }
                return false;
            }
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void requestLine(String text) throws HttpParseException {
        int sp1 = text.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : text.indexOf(' ', sp1 + 1);
        if (sp1 <= 0 || sp2 < 0 || text.indexOf(' ', sp2 + 1) >= 0 || sp2 == sp1 + 1) {
            throw new HttpParseException(400, "malformed request line");
        }
        method = text.substring(0, sp1);
        target = text.substring(sp1 + 1, sp2);
        version = text.substring(sp2 + 1);
        if (!Tokens.isToken(method)) {
            throw new HttpParseException(400, "invalid method");
        }
        if (target.indexOf('\t') >= 0) {
            throw new HttpParseException(400, "invalid request target");
        }
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new HttpParseException(version.matches("HTTP/\\d\\.\\d") ? 505 : 400, "unsupported version");
        }
        requestLine = text;
    }

    private void header(String text) throws HttpParseException {
        if (text.charAt(0) == ' ' || text.charAt(0) == '\t') {
            throw new HttpParseException(400, "obsolete line folding");
        }
        int colon = text.indexOf(':');
        if (colon <= 0 || !Tokens.isToken(text.substring(0, colon))) {
            throw new HttpParseException(400, "malformed header field");
        }
        if (headers.size() == MAX_HEADERS) {
            throw new HttpParseException(431, "too many header fields");
        }
        headers.add(new RequestHead.Header(text.substring(0, colon), text.substring(colon + 1).strip()));
    }

    private boolean headDone(Listener listener) throws HttpParseException {
        long length = bodyLength();
        RequestHead head = new RequestHead(requestLine, method, target, version, headers, length);
        headers.clear();
        if (length < 0) {
            state = State.CHUNK_SIZE;
        } else {
            remaining = length;
            state = State.BODY;
        }
        listener.onHead(head);
        if (length == 0) {
            end(listener);
            return true;
        }
        return false;
    }

    private long bodyLength() throws HttpParseException {
        List<String> codings = new ArrayList<>();
        List<String> lengths = new ArrayList<>();
        for (RequestHead.Header h : headers) {
            if (h.name().equalsIgnoreCase("Transfer-Encoding")) {
                for (String c : h.value().split(",")) {
                    codings.add(c.strip().toLowerCase(Locale.ROOT));
                }
            } else if (h.name().equalsIgnoreCase("Content-Length")) {
                for (String c : h.value().split(",")) {
                    lengths.add(c.strip());
                }
            }
        }
        if (!codings.isEmpty()) {
            if (!lengths.isEmpty()) {
                throw new HttpParseException(400, "both Transfer-Encoding and Content-Length");
            }
            if (!codings.get(codings.size() - 1).equals("chunked") || codings.indexOf("chunked") != codings.size() - 1) {
                throw new HttpParseException(400, "Transfer-Encoding must end with one chunked");
            }
            return -1;
        }
        if (lengths.isEmpty()) {
            return 0;
        }
        String first = lengths.get(0);
        for (String l : lengths) {
            if (!l.equals(first)) {
                throw new HttpParseException(400, "differing Content-Length values");
            }
        }
        if (first.isEmpty() || first.length() > 18 || !first.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new HttpParseException(400, "invalid Content-Length");
        }
        return Long.parseLong(first);
    }

    private static long chunkSize(String text) throws HttpParseException {
        int semicolon = text.indexOf(';');
        String size = (semicolon < 0 ? text : text.substring(0, semicolon)).stripTrailing();
        if (size.isEmpty() || size.length() > 15) {
            throw new HttpParseException(400, "invalid chunk size");
        }
        long value = 0;
        for (int i = 0; i < size.length(); i++) {
            int digit = Character.digit(size.charAt(i), 16);
            if (digit < 0) {
                throw new HttpParseException(400, "invalid chunk size");
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private void end(Listener listener) {
        state = State.REQUEST_LINE;
        headBytes = 0;
        trailers = 0;
        remaining = 0;
        listener.onEnd();
    }
}
