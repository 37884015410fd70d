package io.passerelle.core.internal.http;

import java.util.List;

/**
 * The {@code Content-Length} of a message (RFC 9112 §6.3): every field and every comma-separated item must be
 * the same decimal number; anything else is invalid. Requests and responses read it the same way.
 */
public final class ContentLength {

    private ContentLength() {
    }

    /** @return the length, 0 when there is no field, or -1 when the fields are invalid or disagree */
    public static long of(List<String> fields) {
        long length = 0;
        boolean seen = false;
        for (String value : fields) {
            int start = 0;
            int n = value.length();
            while (start <= n) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? n : comma;
                long v = number(value.substring(start, end).trim());
                if (v < 0 || (seen && v != length)) {
                    return -1;
                }
                seen = true;
                length = v;
                start = end + 1;
            }
        }
        return length;
    }

    private static long number(String p) {
        if (p.isEmpty() || p.length() > 18) {
            return -1;
        }
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(p);
    }
}
