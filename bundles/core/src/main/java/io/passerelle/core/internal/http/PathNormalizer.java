package io.passerelle.core.internal.http;

import java.util.ArrayDeque;
import java.util.Deque;

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
        Deque<String> segments = new ArrayDeque<>();
        int n = path.length();
        boolean trailingSlash = false;
        int i = 1;
        while (i <= n) {
            int j = i;
            while (j < n && path.charAt(j) != '/') {
                j++;
            }
            String seg = path.subSequence(i, j).toString();
            boolean last = j >= n;
            if (seg.isEmpty()) {
                trailingSlash = last;
            } else if (seg.equals(".")) {
                trailingSlash = true;
            } else if (seg.equals("..")) {
                if (segments.isEmpty()) {
                    throw new HttpParseException(400, "path climbs above /");
                }
                segments.removeLast();
                trailingSlash = true;
            } else {
                segments.addLast(seg);
                trailingSlash = false;
            }
            i = j + 1;
        }
        if (segments.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder(n);
        for (String s : segments) {
            out.append('/').append(s);
        }
        if (trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }

    static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
