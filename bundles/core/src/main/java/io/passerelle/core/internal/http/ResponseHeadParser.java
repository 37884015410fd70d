package io.passerelle.core.internal.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.passerelle.common.http.Tokens;
import io.passerelle.api.HttpFields;
import io.passerelle.api.ResponseHead;

/**
 * Incremental parser of a backend's response head. Anything malformed is a {@code 502} for the client.
 */
public final class ResponseHeadParser {

    private static final int MAX_STATUS_LINE = 8192;

    private final int maxHeadBytes;
    private HeadLineReader reader;
    private int status = -1;
    private String reason;
    private String version;
    private HttpFields fields;

    public ResponseHeadParser(int maxHeadBytes) {
        this.maxHeadBytes = maxHeadBytes;
        reset();
    }

    /** Bytes of the head consumed so far (never more than the head limit: over it, parsing fails). */
    public int headBytes() {
        return reader.headBytes();
    }

    public void reset() {
        if (reader == null) {
            reader = new HeadLineReader(MAX_STATUS_LINE, maxHeadBytes, 502, 502, 502);
        } else {
            reader.reset();
        }
        status = -1;
        reason = null;
        version = null;
        fields = null;
    }

    /** @return true when the head is complete; the buffer is then positioned at the first body byte */
    public boolean parse(ByteBuffer in) throws HttpParseException {
        while (reader.readLine(in)) {
            byte[] line = reader.line();
            int length = reader.length();
            if (status < 0) {
                statusLine(line, length);
                fields = new HttpFields();
                reader.next(false);
                continue;
            }
            if (length == 0) {
                return true;
            }
            HeaderLine.parse(line, length, fields, 502);
            if (fields.size() > 1000) {
                throw new HttpParseException(502, "too many header fields from the backend");
            }
            reader.next(false);
        }
        return false;
    }

    private void statusLine(byte[] line, int length) throws HttpParseException {
        String s = new String(line, 0, length, StandardCharsets.ISO_8859_1);
        if (length < 12 || !(s.startsWith("HTTP/1.1 ") || s.startsWith("HTTP/1.0 "))) {
            throw new HttpParseException(502, "malformed status line from the backend");
        }
        version = s.substring(0, 8);
        for (int i = 9; i < 12; i++) {
            if (!Character.isDigit(s.charAt(i))) {
                throw new HttpParseException(502, "malformed status code from the backend");
            }
        }
        status = Integer.parseInt(s.substring(9, 12));
        if (status < 100 || (length > 12 && s.charAt(12) != ' ')) {
            throw new HttpParseException(502, "malformed status line from the backend");
        }
        reason = length > 13 ? s.substring(13) : "";
        for (int i = 0; i < reason.length(); i++) {
            if (!Tokens.isFieldChar((byte) reason.charAt(i))) {
                throw new HttpParseException(502, "control character in the backend's reason phrase");
            }
        }
    }

    public ResponseHead head() {
        return new ResponseHead(status, reason, fields);
    }

    public String version() {
        return version;
    }
}
