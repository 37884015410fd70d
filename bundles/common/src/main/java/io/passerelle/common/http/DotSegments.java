package io.passerelle.common.http;

import java.util.ArrayDeque;

/**
 * Resolves the dot-segments of a path (RFC 3986 §5.2.4) and merges empty segments (httpd's {@code MergeSlashes
 * On}), the way the front end normalises every request path before routes and hooks see it (SPEC §8), and the
 * way a rewritten path is normalised again.
 */
public final class DotSegments {

    private DotSegments() {
    }

    /**
     * @param path a path starting with {@code /}
     * @return the path without {@code .}, {@code ..} or empty segments (a trailing slash kept), or null when it
     *         climbs above {@code /}
     */
    public static String resolve(CharSequence path) {
        String s = path.toString();
        if (s.indexOf("/.") < 0 && s.indexOf("//") < 0) {
            return s;
        }
        ArrayDeque<String> segments = new ArrayDeque<>();
        int n = s.length();
        boolean trailingSlash = false;
        int i = 1;
        while (i <= n) {
            int j = s.indexOf('/', i);
            if (j < 0) {
                j = n;
            }
            String seg = s.substring(i, j);
            boolean last = j >= n;
            if (seg.isEmpty()) {
                trailingSlash = last;
            } else if (seg.equals(".")) {
                trailingSlash = true;
            } else if (seg.equals("..")) {
                if (segments.isEmpty()) {
                    return null;
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
        for (String seg : segments) {
            out.append('/').append(seg);
        }
        if (trailingSlash) {
            out.append('/');
        }
        return out.toString();
    }
}
