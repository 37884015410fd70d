package io.passerelle.common.http;

/** Character classes of RFC 9110 (§5.6.2 tokens, §5.5 field values). */
public final class Tokens {

    private static final boolean[] TCHAR = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private Tokens() {
    }

    public static boolean isTchar(byte b) {
        return TCHAR[b & 0xff];
    }

    /** field-vchar, SP or HTAB: anything but controls (and DEL). obs-text is allowed. */
    public static boolean isFieldChar(byte b) {
        int c = b & 0xff;
        return c == '\t' || (c >= 0x20 && c != 0x7f);
    }

    /** Whether {@code s} is a token: one or more tchar. */
    public static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }
}
