package io.passerelle.rewrite.internal.engine;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The percent-escaping rules of the engine: decoding the core's path for matching, httpd's escaping of
 * back-references ({@code [B]}) and of redirect targets (undone by {@code [NE]}), {@code int:escape} /
 * {@code int:unescape}, and the canonical forms handed back to the core.
 */
public final class Escapes {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Escapes() {
    }

    static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    static boolean isUnreserved(char c) {
        return isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
    }

    /** Characters httpd's {@code ap_escape_uri} leaves alone (besides letters and digits). */
    private static boolean isPathSafe(char c) {
        return isAlnum(c) || "$-_.+!*'(),:@&=/~".indexOf(c) >= 0;
    }

    /** Characters that may stand unescaped in a path or a query sent on a request line. */
    private static boolean isUriChar(char c, boolean query) {
        return isUnreserved(c) || "!$&'()*+,;=:@/".indexOf(c) >= 0 || (query && c == '?');
    }

    private static boolean validEscapeAt(CharSequence s, int i) {
        return i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2));
    }

    private static void appendEscaped(StringBuilder out, char c) {
        if (c < 0x80) {
            out.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
            return;
        }
        byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        for (byte b : bytes) {
            out.append('%').append(HEX[(b >> 4) & 15]).append(HEX[b & 15]);
        }
    }

    private static void appendEscaped(StringBuilder out, String s, int i) {
        // a surrogate pair is escaped as one code point
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            for (byte b : s.substring(i, i + 2).getBytes(StandardCharsets.UTF_8)) {
                out.append('%').append(HEX[(b >> 4) & 15]).append(HEX[b & 15]);
            }
        } else {
            appendEscaped(out, c);
        }
    }

    /**
     * The core's normalised path decoded for matching, as httpd's {@code r->uri}: every escape is decoded
     * (UTF-8) except {@code %25} and {@code %2F}, which stay encoded so that neither a literal {@code %} nor
     * an encoded slash can change meaning when the path is rewritten (httpd's {@code AllowEncodedSlashes
     * NoDecode}). A path whose escapes are not valid UTF-8 is returned as it is.
     */
    public static String decodePath(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        int n = path.length();
        ByteBuffer bytes = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < n && isHex(path.charAt(i + 1)) && isHex(path.charAt(i + 2))) {
                int v = Character.digit(path.charAt(i + 1), 16) << 4 | Character.digit(path.charAt(i + 2), 16);
                if (v == '%' || v == '/') {
                    bytes.put((byte) '%').put((byte) Character.toUpperCase(path.charAt(i + 1)))
                            .put((byte) Character.toUpperCase(path.charAt(i + 2)));
                } else {
                    bytes.put((byte) v);
                }
                i += 2;
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                return path; // the core only hands over ASCII
            }
        }
        bytes.flip();
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            return path;
        }
    }

    /**
     * httpd's {@code [B]} escaping of a back-reference: every character but letters, digits and {@code _}
     * (or, with {@code [B=chars]}, only the listed characters) is percent-encoded, a space as {@code +}
     * unless {@code [BNP]}.
     */
    public static void appendBackref(StringBuilder out, String s, String only, boolean noPlus) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean escape = only == null ? !(isAlnum(c) || c == '_') : only.indexOf(c) >= 0;
            if (!escape) {
                out.append(c);
            } else if (c == ' ' && !noPlus) {
                out.append('+');
            } else {
                appendEscaped(out, s, i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    i++;
                }
            }
        }
    }

    /**
     * httpd's {@code ap_escape_uri}, used for redirect targets without {@code [NE]} and by {@code int:escape}:
     * everything but letters, digits and {@code $-_.+!*'(),:@&=/~} is escaped. A {@code %} that already starts
     * a valid escape is kept (the path reached the engine partly encoded, see {@link #decodePath}).
     */
    public static String escapeUri(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean keep = isPathSafe(c) || (c == '%' && validEscapeAt(s, i));
            if (keep) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            appendEscaped(out, s, i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                i++;
            }
        }
        return out == null ? s : out.toString();
    }

    /** Escapes only what can never stand in a header or on a request line: controls, space, non-ASCII. */
    public static String escapeUnsafe(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean keep = c > 0x20 && c < 0x7f;
            if (keep) {
                if (out != null) {
                    out.append(c);
                }
                continue;
            }
            if (out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            appendEscaped(out, s, i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                i++;
            }
        }
        return out == null ? s : out.toString();
    }

    /** httpd's {@code ap_unescape_url} as used by {@code int:unescape}: every valid escape decoded (UTF-8). */
    public static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] bytes = new byte[s.length() * 3];
        int k = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && validEscapeAt(s, i)) {
                bytes[k++] = (byte) (Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                i += 2;
            } else if (c < 0x80) {
                bytes[k++] = (byte) c;
            } else {
                for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                    bytes[k++] = b;
                }
            }
        }
        return new String(bytes, 0, k, StandardCharsets.UTF_8);
    }

    /**
     * The form the core keeps paths and queries in (SPEC §8, its {@code PathNormalizer}): escapes of unreserved
     * characters decoded, other escapes kept with upper-case hex, characters that may not stand in a URI
     * escaped, and a {@code %} that starts no valid escape escaped as {@code %25}.
     */
    public static String canonical(String s, boolean query) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && validEscapeAt(s, i)) {
                char d = (char) (Character.digit(s.charAt(i + 1), 16) << 4 | Character.digit(s.charAt(i + 2), 16));
                if (isUnreserved(d)) {
                    out.append(d);
                } else {
                    out.append('%').append(Character.toUpperCase(s.charAt(i + 1)))
                            .append(Character.toUpperCase(s.charAt(i + 2)));
                }
                i += 2;
            } else if (isUriChar(c, query)) {
                out.append(c);
            } else {
                appendEscaped(out, s, i);
                if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
                    i++;
                }
            }
        }
        return out.toString();
    }
}
