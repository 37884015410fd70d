package io.passerelle.rewrite.internal.parse;

import java.util.ArrayList;
import java.util.List;

import io.passerelle.rewrite.internal.engine.Template;
import io.passerelle.rewrite.internal.engine.Variable;

/**
 * Compiles a test string or substitution as httpd's {@code do_expand} reads it: {@code \c} is a literal
 * {@code c}; {@code $N} and {@code %N} are back-references; {@code %{NAME}} a variable;
 * {@code ${map:key|default}} a map lookup whose key and default are themselves expanded; any other
 * {@code $} or {@code %} is literal.
 */
public final class TemplateParser {

    private TemplateParser() {
    }

    /**
     * @param text   the text
     * @param where  the error prefix (rule set, directive)
     * @param column the column of the text's first character, for errors
     */
    public static Template parse(String text, String where, int line, int column) throws RewriteSyntaxException {
        return new Template(text, parts(text, 0, text.length(), where, line, column));
    }

    private static List<Template.Part> parts(String s, int from, int to, String where, int line, int column)
            throws RewriteSyntaxException {
        List<Template.Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = from;
        while (i < to) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < to) {
                lit.append(s.charAt(i + 1));
                i += 2;
                continue;
            }
            if ((c == '$' || c == '%') && i + 1 < to) {
                char d = s.charAt(i + 1);
                if (d >= '0' && d <= '9') {
                    flush(lit, parts);
                    parts.add(new Template.BackRef(c == '$', d - '0'));
                    i += 2;
                    continue;
                }
                if (d == '{') {
                    int close = closingCurly(s, i + 2, to);
                    if (close < 0) {
                        throw new RewriteSyntaxException(where + ": '" + c + "{' without its closing '}' ("
                                + DirectiveLexer.position(line, column + i) + ")");
                    }
                    String inner = s.substring(i + 2, close);
                    if (c == '%') {
                        flush(lit, parts);
                        parts.add(new Template.Var(Variable.parse(inner)));
                        i = close + 1;
                        continue;
                    }
                    int colon = inner.indexOf(':');
                    if (colon > 0) {
                        flush(lit, parts);
                        String name = inner.substring(0, colon);
                        int keyStart = i + 2 + colon + 1;
                        int bar = topLevelBar(s, keyStart, close);
                        Template key = new Template(s.substring(keyStart, bar < 0 ? close : bar),
                                parts(s, keyStart, bar < 0 ? close : bar, where, line, column));
                        Template def = bar < 0 ? null
                                : new Template(s.substring(bar + 1, close), parts(s, bar + 1, close, where, line, column));
                        parts.add(new Template.MapLookup(name, key, def));
                        i = close + 1;
                        continue;
                    }
                }
            }
            lit.append(c);
            i++;
        }
        flush(lit, parts);
        return parts;
    }

    private static void flush(StringBuilder lit, List<Template.Part> parts) {
        if (lit.length() > 0) {
            parts.add(new Template.Literal(lit.toString()));
            lit.setLength(0);
        }
    }

    /** The index of the '}' closing a '{' just before {@code from}, counting nested braces; -1 if none. */
    private static int closingCurly(String s, int from, int to) {
        int depth = 1;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return i;
            }
        }
        return -1;
    }

    private static int topLevelBar(String s, int from, int to) {
        int depth = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (c == '|' && depth == 0) {
                return i;
            }
        }
        return -1;
    }
}
