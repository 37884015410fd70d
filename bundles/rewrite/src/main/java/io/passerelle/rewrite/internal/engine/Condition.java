package io.passerelle.rewrite.internal.engine;

import java.util.regex.Pattern;

/**
 * One {@code RewriteCond TestString CondPattern [flags]}.
 *
 * @param source   the directive as written (for traces)
 * @param test     the test string
 * @param kind     how the pattern compares
 * @param regex    the compiled pattern for {@link Kind#REGEX}, else null
 * @param operand  the comparison operand for the other kinds
 * @param negated  {@code !}
 * @param noCase   {@code NC}
 * @param orNext   {@code OR}
 */
public record Condition(String source, Template test, Kind kind, Pattern regex, String operand, boolean negated,
        boolean noCase, boolean orNext) {

    /** Condition pattern kinds of httpd 2.4 ({@code mod_rewrite.html#rewritecond}). */
    public enum Kind {
        REGEX, STR_LT, STR_GT, STR_EQ, STR_LE, STR_GE, INT_EQ, INT_NE, INT_LT, INT_LE, INT_GT, INT_GE,
        /** {@code -d -f -F -h -l -L -s -U -x}: Passerelle serves no files, so these tests are false. */
        FILE_TEST
    }

    /** httpd's lexicographic order: a shorter string first, then byte by byte. */
    static int compareLexically(String a, String b) {
        if (a.length() != b.length()) {
            return a.length() > b.length() ? 1 : -1;
        }
        for (int i = 0; i < a.length(); i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return x > y ? 1 : -1;
            }
        }
        return 0;
    }

    /** C's {@code atoi}, as httpd's integer comparisons use it: leading blanks, a sign, digits, else 0. */
    static long atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9' && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return neg ? -v : v;
    }

    /** Compares an expanded test string for the non-regex kinds. */
    boolean compare(String input) {
        switch (kind) {
            case STR_EQ:
                return noCase ? input.equalsIgnoreCase(operand) : input.equals(operand);
            case STR_LT:
                return compareLexically(input, operand) < 0;
            case STR_GT:
                return compareLexically(input, operand) > 0;
            case STR_LE:
                return compareLexically(input, operand) <= 0;
            case STR_GE:
                return compareLexically(input, operand) >= 0;
            case INT_EQ:
                return atoi(input) == atoi(operand);
            case INT_NE:
                return atoi(input) != atoi(operand);
            case INT_LT:
                return atoi(input) < atoi(operand);
            case INT_LE:
                return atoi(input) <= atoi(operand);
            case INT_GT:
                return atoi(input) > atoi(operand);
            case INT_GE:
                return atoi(input) >= atoi(operand);
            default:
                return false;
        }
    }
}
