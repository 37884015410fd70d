package io.passerelle.core.internal.route;

import java.net.URI;

/** Builds backend URLs from a mapped route URL and the request's query, encoding what java.net.URI refuses. */
final class Urls {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Urls() {
    }

    /** @return the URL, or null when it cannot be one */
    static URI withQuery(String mapped, String query) {
        String s = mapped;
        if (query != null) {
            s = s + (s.indexOf('?') >= 0 ? '&' : '?') + query;
        }
        try {
            return URI.create(encodeIllegal(s));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String encodeIllegal(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean bad = c <= 0x20 || c >= 0x7f || "\"<>\\^`{|}".indexOf(c) >= 0;
            if (bad) {
                if (sb == null) {
                    sb = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                sb.append('%').append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }
}
