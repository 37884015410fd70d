package io.passerelle.rewrite.internal.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Splits mod_rewrite text into directives. Arguments are separated by blanks; an argument may be quoted with
 * {@code "} or {@code '} (mod_rewrite's {@code parseargline}); a backslash before a blank keeps the blank in
 * the argument, and inside quotes a backslash before the quote character keeps the quote (the backslash
 * itself stays, for the regex or the expansion to read). An unquoted word that is a directive keyword starts
 * a new directive, so a {@code .cfg} value whose continuation lines were joined into one line splits as the
 * lines were written.
 */
public final class DirectiveLexer {

    /** The keywords that start a directive. */
    public static final Set<String> KEYWORDS = Set.of("rewriteengine", "rewritecond", "rewriterule", "rewritemap",
            "rewriteoptions", "rewritebase");

    private DirectiveLexer() {
    }

    /**
     * Splits one logical line.
     *
     * @param text the text
     * @param line its line number (0 for a {@code rules} value: errors then name only the column)
     * @param where how errors name the rule set, e.g. {@code rule set 'ws'}
     */
    public static List<Directive> split(String text, int line, String where) throws RewriteSyntaxException {
        List<Word> words = words(text, line, where);
        List<Directive> out = new ArrayList<>();
        int i = 0;
        while (i < words.size()) {
            Word kw = words.get(i);
            if (kw.quoted() || !KEYWORDS.contains(kw.text().toLowerCase(Locale.ROOT))) {
                throw new RewriteSyntaxException(where + ": " + position(kw) + ": '" + kw.text()
                        + "' is not a mod_rewrite directive (RewriteEngine, RewriteCond, RewriteRule, RewriteMap or RewriteOptions expected)");
            }
            int j = i + 1;
            while (j < words.size() && (words.get(j).quoted()
                    || !KEYWORDS.contains(words.get(j).text().toLowerCase(Locale.ROOT)))) {
                j++;
            }
            int end = j < words.size() ? words.get(j).column() - 1 : text.length() + 1;
            String source = text.substring(kw.column() - 1, Math.min(end, text.length())).strip();
            out.add(new Directive(kw.text(), List.copyOf(words.subList(i + 1, j)), kw.line(), kw.column(), source));
            i = j;
        }
        return out;
    }

    static String position(Word w) {
        return position(w.line(), w.column());
    }

    static String position(int line, int column) {
        return line > 0 ? "line " + line + ", column " + column : "column " + column;
    }

    static List<Word> words(String s, int line, String where) throws RewriteSyntaxException {
        List<Word> words = new ArrayList<>();
        int n = s.length();
        int i = 0;
        while (true) {
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return words;
            }
            char first = s.charAt(i);
            int start = i;
            StringBuilder b = new StringBuilder();
            if (first == '"' || first == '\'') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new RewriteSyntaxException(where + ": " + position(line, start + 1)
                                + ": unterminated quoted argument (missing " + first + ")");
                    }
                    char c = s.charAt(i);
                    if (c == first) {
                        i++;
                        break;
                    }
                    if (c == '\\' && i + 1 < n && s.charAt(i + 1) == first) {
                        b.append(c).append(first);
                        i += 2;
                        continue;
                    }
                    b.append(c);
                    i++;
                }
                words.add(new Word(b.toString(), line, start + 1, true));
            } else {
                while (i < n) {
                    char c = s.charAt(i);
                    if (Character.isWhitespace(c)) {
                        break;
                    }
                    if (c == '\\' && i + 1 < n && Character.isWhitespace(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(i + 1));
                        i += 2;
                        continue;
                    }
                    b.append(c);
                    i++;
                }
                words.add(new Word(b.toString(), line, start + 1, false));
            }
        }
    }
}
