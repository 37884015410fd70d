package io.passerelle.core.internal.route;

import java.net.URI;

/**
 * Builds backend URLs from a mapped route URL and the request's query, encoding what java.net.URI refuses.
 *
 * <p>{@code java.net.URI} has no way to be built from parts without parsing its text again, and the parse was the
 * hottest Java method of a small proxied request (JFR, {@code bench/profile.sh http-small}). The text of a URL
 * maps to one URI, so the URLs built last are kept in a small direct-mapped table (a slot per text's hash, the
 * newest text in a slot wins): a request for a URL seen recently takes the parsed one. Slots are written and
 * read without a lock by every I/O thread; an entry is immutable, so a racing reader sees a whole entry or the
 * one before it. Texts longer than {@link #LONGEST} are parsed every time, not kept.
 */
final class Urls {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final int SLOTS = 256;
    static final int LONGEST = 512;

    private record Entry(String text, URI url) {
    }

    private final Entry[] slots = new Entry[SLOTS];

    /** @return the URL, or null when it cannot be one */
    URI withQuery(String mapped, String query) {
        String s = mapped;
        if (query != null) {
            s = s + (s.indexOf('?') >= 0 ? '&' : '?') + query;
        }
        if (s.length() > LONGEST) {
            return parse(s);
        }
        int slot = mix(s.hashCode()) & (SLOTS - 1);
        Entry e = slots[slot];
        if (e != null && e.text.equals(s)) {
            return e.url;
        }
        URI url = parse(s);
        if (url != null) {
            slots[slot] = new Entry(s, url);
        }
        return url;
    }

    private static int mix(int h) {
        return h ^ (h >>> 16) ^ (h >>> 8);
    }

    private static URI parse(String s) {
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
