package io.passerelle.core.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.passerelle.common.http.Tokens;
import io.passerelle.api.HttpFields;

/**
 * Incremental, strict parser of an HTTP/1.1 request head (request line and header fields) with the limits
 * of SPEC §8: request line over 8 KiB is 414, a head over {@code header.max.bytes} or with more than
 * {@code header.max.count} fields is 431, any syntax error is 400, an unknown HTTP version 505.
 * One instance parses one head; make a new one (or {@link #reset()}) for the next request.
 */
public final class RequestHeadParser {

    public static final int MAX_REQUEST_LINE = 8192;
    private static final int MAX_LEADING_EMPTY_LINES = 8;

    private final int maxHeadBytes;
    private final int maxHeaderCount;
    private HeadLineReader reader;
    private String method;
    private String target;
    private String version;
    private HttpFields fields;
    private int emptyLines;

    public RequestHeadParser(int maxHeadBytes, int maxHeaderCount) {
        this.maxHeadBytes = maxHeadBytes;
        this.maxHeaderCount = maxHeaderCount;
        reset();
    }

    /** Bytes of the head consumed so far (never more than the head limit: over it, parsing fails). */
    public int headBytes() {
        return reader.headBytes();
    }

    public void reset() {
        if (reader == null) {
            reader = new HeadLineReader(MAX_REQUEST_LINE, maxHeadBytes, 414, 431, 400);
        } else {
            reader.reset();
        }
        method = null;
        target = null;
        version = null;
        fields = null;
        emptyLines = 0;
    }

    /** Whether any byte of a head has been consumed (used to tell an idle connection from a slow head). */
    public boolean started() {
        return reader.headBytes() > 0;
    }

    /**
     * Consumes bytes up to the end of the head.
     *
     * @return true when the head is complete: the buffer's position is then at the first body byte
     */
    public boolean parse(ByteBuffer in) throws HttpParseException {
        while (reader.readLine(in)) {
            byte[] line = reader.line();
            int length = reader.length();
            if (method == null) {
                if (length == 0) {
                    if (++emptyLines > MAX_LEADING_EMPTY_LINES) {
                        throw new HttpParseException(400, "empty lines before the request line");
                    }
                    reader.next(true);
                    continue;
                }
                requestLine(line, length);
                fields = new HttpFields();
                reader.next(false);
                continue;
            }
            if (length == 0) {
                return true;
            }
            HeaderLine.parse(line, length, fields, 400);
            if (fields.size() > maxHeaderCount) {
                throw new HttpParseException(431, "too many header fields");
            }
            reader.next(false);
        }
        return false;
    }

    private void requestLine(byte[] line, int length) throws HttpParseException {
        int sp1 = 0;
        while (sp1 < length && line[sp1] != ' ') {
            if (!Tokens.isTchar(line[sp1])) {
                throw new HttpParseException(400, "invalid method token");
            }
            sp1++;
        }
        if (sp1 == 0 || sp1 == length) {
            throw new HttpParseException(400, "malformed request line");
        }
        int sp2 = sp1 + 1;
        while (sp2 < length && line[sp2] != ' ') {
            int c = line[sp2] & 0xff;
            if (c <= 0x20 || c >= 0x7f) {
                throw new HttpParseException(400, "invalid character in the request target");
            }
            sp2++;
        }
        if (sp2 == sp1 + 1 || sp2 == length) {
            throw new HttpParseException(400, "malformed request line");
        }
        method = KnownNames.of(line, 0, sp1);
        target = new String(line, sp1 + 1, sp2 - sp1 - 1, StandardCharsets.ISO_8859_1);
        String v = KnownNames.of(line, sp2 + 1, length - sp2 - 1);
        if (v.equals("HTTP/1.1") || v.equals("HTTP/1.0")) {
            version = v;
        } else if (v.length() == 8 && v.startsWith("HTTP/") && Character.isDigit(v.charAt(5)) && v.charAt(6) == '.'
                && Character.isDigit(v.charAt(7))) {
            throw new HttpParseException(505, "unsupported HTTP version");
        } else {
            throw new HttpParseException(400, "malformed HTTP version");
        }
    }

    public String method() {
        return method;
    }

    public String target() {
        return target;
    }

    public String version() {
        return version;
    }

    public HttpFields fields() {
        return fields;
    }
}
