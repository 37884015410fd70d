package io.passerelle.core.internal.http;

import io.passerelle.common.http.DotSegments;

/**
 * Normalises a request path for matching (SPEC §8): percent-encoded unreserved characters are decoded,
 * other escapes kept (upper-cased hex, so {@code %2F} never becomes a separator), empty segments merged,
 * {@code .} and {@code ..} resolved; climbing above {@code /} is an error.
 */
public final class PathNormalizer {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathNormalizer() {
    }

    public static String normalize(String rawPath) throws HttpParseException {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new HttpParseException(400, "path does not start with /");
        }
        StringBuilder decoded = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawPath.length()) {
                    throw new HttpParseException(400, "truncated percent-encoding");
                }
                int hi = Character.digit(rawPath.charAt(i + 1), 16);
                int lo = Character.digit(rawPath.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new HttpParseException(400, "invalid percent-encoding");
                }
                char d = (char) (hi << 4 | lo);
                if (isUnreserved(d)) {
                    decoded.append(d);
                } else {
                    decoded.append('%').append(HEX[hi]).append(HEX[lo]);
                }
                i += 2;
            } else if (c == '#') {
                throw new HttpParseException(400, "fragment in the request target");
            } else {
                decoded.append(c);
            }
        }
        return resolveDots(decoded);
    }

    private static String resolveDots(CharSequence path) throws HttpParseException {
        String resolved = DotSegments.resolve(path);
        if (resolved == null) {
            throw new HttpParseException(400, "path climbs above /");
        }
        return resolved;
    }

    static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
