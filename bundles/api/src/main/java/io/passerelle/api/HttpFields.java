package io.passerelle.api;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * An ordered list of HTTP header fields that keeps repeated names and the case they were sent in.
 * Name comparisons ignore case. Not thread-safe: an instance belongs to one exchange.
 */
public final class HttpFields implements Iterable<HttpFields.Field> {

    /** One header field as received or to be sent. */
    public record Field(String name, String value) {
    }

    private final ArrayList<Field> fields;

    public HttpFields() {
        this.fields = new ArrayList<>(16);
    }

    private HttpFields(ArrayList<Field> fields) {
        this.fields = fields;
    }

    /** A copy that can be changed without affecting this one. */
    public HttpFields copy() {
        return new HttpFields(new ArrayList<>(fields));
    }

    public HttpFields add(String name, String value) {
        fields.add(new Field(name, value));
        return this;
    }

    /** Replaces every field of that name by one field, appended at the end. */
    public HttpFields set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every field of that name; returns whether there was one. */
    public boolean remove(String name) {
        // compacts in place: runs for several names on every forwarded head, so no lambda or bit set
        int n = fields.size();
        int w = 0;
        for (int r = 0; r < n; r++) {
            Field f = fields.get(r);
            if (!same(f.name, name)) {
                if (w != r) {
                    fields.set(w, f);
                }
                w++;
            }
        }
        if (w == n) {
            return false;
        }
        fields.subList(w, n).clear();
        return true;
    }

    /**
     * Whether two field names are the same, ignoring case: {@link String#equalsIgnoreCase}, with the common
     * answers first (the same string: the parser shares the strings of common names; different first ASCII
     * letters: most pairs of the same length), since a head's every look-up compares a name with each field's.
     */
    private static boolean same(String a, String b) {
        if (a == b) {
            return true;
        }
        int n = a.length();
        if (b == null || n != b.length()) {
            return false;
        }
        if (n > 0) {
            char x = a.charAt(0);
            char y = b.charAt(0);
            if (x != y && (x | y) < 0x80 && ((x | 0x20) != (y | 0x20) || (x | 0x20) < 'a' || (x | 0x20) > 'z')) {
                return false;
            }
        }
        return a.equalsIgnoreCase(b);
    }

    /** Removes every field whose name satisfies the predicate; returns whether one was removed. */
    public boolean removeIf(java.util.function.Predicate<String> name) {
        return fields.removeIf(f -> name.test(f.name));
    }

    /** The value of the first field of that name, or null. */
    public String get(String name) {
        for (int i = 0, n = fields.size(); i < n; i++) {
            Field f = fields.get(i);
            if (same(f.name, name)) {
                return f.value;
            }
        }
        return null;
    }

    public List<String> getAll(String name) {
        List<String> all = new ArrayList<>(2);
        for (Field f : fields) {
            if (same(f.name, name)) {
                all.add(f.value);
            }
        }
        return all;
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    /**
     * Whether a comma-separated list header (all fields of that name) contains the token,
     * ignoring case and surrounding whitespace, e.g. {@code containsToken("Connection", "upgrade")}.
     */
    public boolean containsToken(String name, String token) {
        for (int i = 0, n = fields.size(); i < n; i++) {
            Field f = fields.get(i);
            if (same(f.name, name) && listContains(f.value, token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a comma-separated list value ({@code websocket, foo/1}) holds the token, ignoring case and the
     * blanks around items (RFC 9110 §5.6.1).
     *
     * @since 2.0
     */
    public static boolean listContains(String list, String token) {
        if (list == null || token == null) {
            return false;
        }
        String wanted = token.trim();
        int start = 0;
        int n = list.length();
        while (start <= n) {
            int comma = list.indexOf(',', start);
            int end = comma < 0 ? n : comma;
            if (list.substring(start, end).trim().equalsIgnoreCase(wanted)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /** The comma-separated tokens of every field of that name, trimmed and lower-cased. */
    public List<String> tokens(String name) {
        List<String> tokens = new ArrayList<>(2);
        for (Field f : fields) {
            if (same(f.name, name)) {
                for (String part : f.value.split(",")) {
                    String t = part.trim();
                    if (!t.isEmpty()) {
                        tokens.add(t.toLowerCase(Locale.ROOT));
                    }
                }
            }
        }
        return tokens;
    }

    public int size() {
        return fields.size();
    }

    public void forEach(BiConsumer<String, String> action) {
        for (Field f : fields) {
            action.accept(f.name, f.value);
        }
    }

    @Override
    public Iterator<Field> iterator() {
        return fields.iterator();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
