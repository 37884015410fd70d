package io.passerelle.core.internal.http;

import java.nio.charset.StandardCharsets;

import io.passerelle.common.http.Tokens;
import io.passerelle.api.HttpFields;

/** Parses one {@code name: value} field line strictly (RFC 9112 §5). */
final class HeaderLine {

    private HeaderLine() {
    }

    static void parse(byte[] line, int length, HttpFields into, int badStatus) throws HttpParseException {
        if (line[0] == ' ' || line[0] == '\t') {
            throw new HttpParseException(badStatus, "obsolete line folding");
        }
        int colon = -1;
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b == ':') {
                colon = i;
                break;
            }
            if (!Tokens.isTchar(b)) {
                throw new HttpParseException(badStatus, b == ' ' || b == '\t'
                        ? "whitespace before a header colon" : "invalid character in a header name");
            }
        }
        if (colon <= 0) {
            throw new HttpParseException(badStatus, "header line without a name and colon");
        }
        int start = colon + 1;
        int end = length;
        while (start < end && (line[start] == ' ' || line[start] == '\t')) {
            start++;
        }
        while (end > start && (line[end - 1] == ' ' || line[end - 1] == '\t')) {
            end--;
        }
        for (int i = start; i < end; i++) {
            if (!Tokens.isFieldChar(line[i])) {
                throw new HttpParseException(badStatus, "control character in a header value");
            }
        }
        into.add(KnownNames.of(line, 0, colon),
                new String(line, start, end - start, StandardCharsets.ISO_8859_1));
    }
}
