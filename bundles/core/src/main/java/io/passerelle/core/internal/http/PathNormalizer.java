package io.passerelle.core.internal.http;

import io.passerelle.common.http.DotSegments;

/**
 * Normalises a request path for matching (SPEC §8): percent-encoded unreserved characters are decoded, other
 * escapes kept (upper-cased hex; an encoded slash or backslash exactly as it came, so {@code %2F} never becomes a
 * separator), empty segments merged, {@code .} and {@code ..} resolved. Climbing above {@code /}, a control
 * character, and CR, LF or NUL even percent-encoded are errors.
 */
public final class PathNormalizer {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathNormalizer() {
    }

    public static String normalize(String rawPath) throws HttpParseException {
        if (rawPath.isEmpty() || rawPath.charAt(0) != '/') {
            throw new HttpParseException(400, "path does not start with /");
        }
        if (plain(rawPath)) {
            return resolveDots(rawPath); // the path itself when it has no dot-segment nor empty segment
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
                if (d == 0 || d == '\r' || d == '\n') {
                    // SPEC 8: no CR, LF or NUL reaches a backend, encoded or not (httpd refuses %00 too)
                    throw new HttpParseException(400, "CR, LF or NUL in the path");
                }
                if (isUnreserved(d)) {
                    decoded.append(d);
                } else if (d == '/' || d == '\\') {
                    decoded.append(rawPath, i, i + 3); // an encoded slash is kept as it came (encoded.slashes)
                } else {
                    decoded.append('%').append(HEX[hi]).append(HEX[lo]);
                }
                i += 2;
            } else if (c == '#') {
                throw new HttpParseException(400, "fragment in the request target");
            } else if (c < 0x20 || c == 0x7f) {
                throw new HttpParseException(400, "control character in the path");
            } else {
                decoded.append(c);
            }
        }
        return resolveDots(decoded);
    }

    /** Whether the loop of {@link #normalize} would copy the path as it is: no '%', '#' or control character. */
    private static boolean plain(String rawPath) {
        for (int i = 0, n = rawPath.length(); i < n; i++) {
            char c = rawPath.charAt(i);
            if (c == '%' || c == '#' || c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** Whether a normalised path holds an encoded slash or backslash ({@code %2F}, {@code %5C}, any case). */
    public static boolean hasEncodedSlash(String path) {
        for (int i = path.indexOf('%'); i >= 0 && i + 2 < path.length(); i = path.indexOf('%', i + 1)) {
            char hi = path.charAt(i + 1);
            char lo = Character.toUpperCase(path.charAt(i + 2));
            if ((hi == '2' && lo == 'F') || (hi == '5' && lo == 'C')) {
                return true;
            }
        }
        return false;
    }

    /** Whether a text holds a raw CR, LF or NUL. */
    public static boolean hasRawControl(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return true;
            }
        }
        return false;
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
