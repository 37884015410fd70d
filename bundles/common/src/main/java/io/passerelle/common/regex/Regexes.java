package io.passerelle.common.regex;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles the regular expressions of a configuration (a route's {@code match}, a rewrite rule's pattern or
 * condition) and tries each once before it is taken. The JDK compiles some patterns it then cannot match with:
 * {@code [Pw\uFFFF\uFFFF?ebso&&&q]} (an intersection with an empty operand, characters outside Latin-1) compiles,
 * and every {@code find()} throws a {@link NullPointerException} from inside {@code java.util.regex} (found by
 * fuzzing the rewrite parser, JDK 17.0.15). Such a pattern would fail the requests it meets, on the I/O path;
 * tried here, it is refused with the configuration instead. The trial is a best effort: it reaches what a
 * pattern reads at the start of a path ({@code /} then any printable character) or anywhere unanchored; a
 * failure deeper in an anchored pattern shows only on a request, where the route or rule answers {@code 500}.
 */
public final class Regexes {

    /**
     * What each pattern is tried on: every printable ASCII character, a Latin-1 letter and the last BMP character,
     * alone and each after a {@code /}.
     */
    private static final String[] PROBES;

    static {
        StringBuilder all = new StringBuilder(100);
        for (char c = 0x20; c < 0x7F; c++) {
            all.append(c);
        }
        all.append("\u00e9\uffff");
        PROBES = new String[all.length() + 1];
        PROBES[0] = all.toString();
        for (int i = 0; i < all.length(); i++) {
            PROBES[i + 1] = "/" + all.charAt(i);
        }
    }

    private Regexes() {
    }

    /**
     * @throws PatternSyntaxException when the pattern does not compile, or compiles but fails when matched (its
     *         description then says so and names the JDK's exception)
     */
    public static Pattern compile(String regex, int flags) {
        Pattern p = Pattern.compile(regex, flags);
        try {
            for (String probe : PROBES) {
                p.matcher(probe).find();
            }
        } catch (RuntimeException e) {
            throw new PatternSyntaxException("compiles, but Java's regex engine fails when matching with it ("
                    + e.getClass().getSimpleName() + ")", regex, -1);
        }
        return p;
    }
}
