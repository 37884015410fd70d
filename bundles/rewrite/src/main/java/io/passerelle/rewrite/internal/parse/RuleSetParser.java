package io.passerelle.rewrite.internal.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.passerelle.common.regex.Regexes;
import io.passerelle.rewrite.internal.engine.Condition;
import io.passerelle.rewrite.internal.engine.Rule;
import io.passerelle.rewrite.internal.engine.RuleFlags;
import io.passerelle.rewrite.internal.engine.Template;

/**
 * Parses a rule set (SPEC §4.6): a {@code rules} value whose directives arrive on one line, or the lines of a
 * {@code rules.file} as in an httpd configuration. Errors name the rule set, the directive and the column.
 */
public final class RuleSetParser {

    private static final Set<String> INT_MAPS = Set.of("tolower", "toupper", "escape", "unescape");
    private static final Set<String> OPTIONS = Set.of("inherit", "inheritbefore", "inheritdown",
            "inheritdownbefore", "ignoreinherit", "allownoslash", "allowanyuri", "mergebase", "ignorecontextinfo",
            "legacyprefixdocroot", "longurloptimization");

    private final String name;
    private final String where;
    private boolean engineOn;
    private final List<Rule> rules = new ArrayList<>();
    private final List<MapDeclaration> maps = new ArrayList<>();
    private final List<Condition> pending = new ArrayList<>();
    private Directive pendingFirst;

    private RuleSetParser(String name) {
        this.name = name;
        this.where = "rule set '" + name + "'";
    }

    /** Parses a {@code rules} value (one line; continuation lines already joined). */
    public static ParsedRuleSet parseValue(String name, String value) throws RewriteSyntaxException {
        RuleSetParser p = new RuleSetParser(name);
        for (Directive d : DirectiveLexer.split(value, 0, p.where)) {
            p.directive(d);
        }
        return p.finish();
    }

    /**
     * Parses the text of a {@code rules.file}: one directive per line, a trailing backslash continuing a line,
     * {@code #} comment lines, blank lines, and {@code <IfModule>} lines (ignored).
     */
    public static ParsedRuleSet parseFile(String name, String text) throws RewriteSyntaxException {
        RuleSetParser p = new RuleSetParser(name);
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i + 1;
            StringBuilder logical = new StringBuilder(lines[i]);
            while (endsWithContinuation(logical) && i + 1 < lines.length) {
                logical.setLength(logical.length() - 1);
                logical.append(lines[++i]);
            }
            String line = logical.toString();
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.regionMatches(true, 0, "<IfModule", 0, 9)
                    || t.regionMatches(true, 0, "</IfModule", 0, 10)) {
                continue;
            }
            for (Directive d : DirectiveLexer.split(line, first, p.where)) {
                p.directive(d);
            }
        }
        return p.finish();
    }

    private static boolean endsWithContinuation(StringBuilder b) {
        return b.length() > 0 && b.charAt(b.length() - 1) == '\\';
    }

    private ParsedRuleSet finish() throws RewriteSyntaxException {
        if (!pending.isEmpty()) {
            throw err(pendingFirst, null, "RewriteCond is not followed by a RewriteRule");
        }
        return new ParsedRuleSet(name, engineOn, List.copyOf(rules), List.copyOf(maps));
    }

    private RewriteSyntaxException err(Directive d, Word w, String message) {
        return new RewriteSyntaxException(where + ": " + d.keyword() + " at "
                + DirectiveLexer.position(d.line(), d.column()) + ": " + message
                + (w == null ? "" : " (" + DirectiveLexer.position(w) + ")"));
    }

    private String prefix(Directive d) {
        return where + ": " + d.keyword() + " at " + DirectiveLexer.position(d.line(), d.column());
    }

    private void directive(Directive d) throws RewriteSyntaxException {
        switch (d.keyword().toLowerCase(Locale.ROOT)) {
            case "rewriteengine":
                engine(d);
                break;
            case "rewriteoptions":
                options(d);
                break;
            case "rewritemap":
                map(d);
                break;
            case "rewritecond":
                cond(d);
                break;
            case "rewriterule":
                rule(d);
                break;
            case "rewritebase":
                throw err(d, null, "RewriteBase is only valid in per-directory context, which Passerelle does not have");
            default:
                throw err(d, null, "unknown directive");
        }
    }

    private void engine(Directive d) throws RewriteSyntaxException {
        if (d.args().size() != 1) {
            throw err(d, null, "expects one argument, on or off");
        }
        Word w = d.args().get(0);
        if (w.text().equalsIgnoreCase("on")) {
            engineOn = true;
        } else if (w.text().equalsIgnoreCase("off")) {
            engineOn = false;
        } else {
            throw err(d, w, "'" + w.text() + "' is neither on nor off");
        }
    }

    private void options(Directive d) throws RewriteSyntaxException {
        if (d.args().isEmpty()) {
            throw err(d, null, "expects at least one option");
        }
        for (Word w : d.args()) {
            String o = w.text();
            int eq = o.indexOf('=');
            String key = (eq < 0 ? o : o.substring(0, eq)).toLowerCase(Locale.ROOT);
            if (!OPTIONS.contains(key)) {
                throw err(d, w, "unknown option '" + o + "'");
            }
            // every known option concerns inheritance or per-directory context: nothing to do in server context
        }
    }

    private void map(Directive d) throws RewriteSyntaxException {
        if (d.args().size() < 2 || d.args().size() > 3) {
            throw err(d, null, "expects a name and type:source (RewriteMap NAME TYPE:SOURCE)");
        }
        Word nameWord = d.args().get(0);
        Word spec = d.args().get(1);
        int colon = spec.text().indexOf(':');
        if (colon <= 0) {
            throw err(d, spec, "'" + spec.text() + "' is not TYPE:SOURCE");
        }
        String type = spec.text().substring(0, colon).toLowerCase(Locale.ROOT);
        String arg = spec.text().substring(colon + 1);
        if ((type.equals("txt") || type.equals("rnd")) && arg.isEmpty()) {
            throw err(d, spec, type + ": map needs a file name");
        }
        if (type.equals("int") && !INT_MAPS.contains(arg)) {
            throw err(d, spec, "internal map '" + arg + "' does not exist (tolower, toupper, escape or unescape)");
        }
        if (nameWord.text().isEmpty()) {
            throw err(d, nameWord, "empty map name");
        }
        maps.add(new MapDeclaration(nameWord.text(), type, arg, prefix(d)));
    }

    private Template template(Directive d, Word w) throws RewriteSyntaxException {
        return TemplateParser.parse(w.text(), prefix(d), w.line(), w.column() + (w.quoted() ? 1 : 0));
    }

    private static String flagText(Word w) {
        return w.text();
    }

    private List<String[]> flags(Directive d, Word w) throws RewriteSyntaxException {
        String t = flagText(w);
        if (t.length() < 2 || t.charAt(0) != '[' || t.charAt(t.length() - 1) != ']') {
            throw err(d, w, "flags '" + t + "' must be written [FLAG,FLAG,...]");
        }
        List<String[]> out = new ArrayList<>();
        int start = 1;
        String body = t.substring(0, t.length() - 1);
        for (int i = 1; i <= body.length(); i++) {
            if (i == body.length() || body.charAt(i) == ',') {
                String f = body.substring(start, i);
                if (!f.isEmpty()) {
                    int eq = f.indexOf('=');
                    out.add(new String[] {eq < 0 ? f : f.substring(0, eq), eq < 0 ? null : f.substring(eq + 1),
                            Integer.toString(w.column() + (w.quoted() ? 1 : 0) + start)});
                }
                start = i + 1;
            }
        }
        return out;
    }

    private RewriteSyntaxException flagErr(Directive d, Word w, String[] flag, String message) {
        return new RewriteSyntaxException(prefix(d) + ": " + message + " ("
                + DirectiveLexer.position(w.line(), Integer.parseInt(flag[2])) + ")");
    }

    private void cond(Directive d) throws RewriteSyntaxException {
        List<Word> a = d.args();
        if (a.size() < 2 || a.size() > 3) {
            throw err(d, a.size() > 3 ? a.get(3) : null, a.size() > 3
                    ? "too many arguments (RewriteCond TestString CondPattern [flags]; flags are written without blanks)"
                    : "expects RewriteCond TestString CondPattern [flags]");
        }
        if (a.get(0).text().equals("expr") && !a.get(0).quoted()) {
            throw err(d, a.get(0), "ap_expr conditions (RewriteCond expr ...) are not supported");
        }
        boolean noCase = false;
        boolean orNext = false;
        if (a.size() == 3) {
            for (String[] f : flags(d, a.get(2))) {
                switch (f[0].toLowerCase(Locale.ROOT)) {
                    case "nc", "nocase" -> noCase = true;
                    case "or", "ornext" -> orNext = true;
                    case "nv", "novary" -> { }
                    default -> throw flagErr(d, a.get(2), f, "unknown condition flag '" + f[0] + "'");
                }
            }
        }
        Template test = template(d, a.get(0));
        Word pw = a.get(1);
        String p = pw.text();
        boolean negated = false;
        if (p.startsWith("!")) {
            negated = true;
            p = p.substring(1);
        }
        Condition.Kind kind = Condition.Kind.REGEX;
        String operand = null;
        if (p.startsWith("<=") || p.startsWith(">=")) {
            kind = p.charAt(0) == '<' ? Condition.Kind.STR_LE : Condition.Kind.STR_GE;
            operand = p.substring(2);
        } else if (p.startsWith("<") || p.startsWith(">") || p.startsWith("=")) {
            kind = p.charAt(0) == '<' ? Condition.Kind.STR_LT
                    : p.charAt(0) == '>' ? Condition.Kind.STR_GT : Condition.Kind.STR_EQ;
            operand = p.substring(1);
        } else if (p.length() == 2 && p.charAt(0) == '-' && "dfFhlLsUx".indexOf(p.charAt(1)) >= 0) {
            kind = Condition.Kind.FILE_TEST;
        } else if (p.length() > 3 && p.charAt(0) == '-') {
            String op = p.substring(1, 3);
            kind = switch (op) {
                case "eq" -> Condition.Kind.INT_EQ;
                case "ne" -> Condition.Kind.INT_NE;
                case "lt" -> Condition.Kind.INT_LT;
                case "le" -> Condition.Kind.INT_LE;
                case "gt" -> Condition.Kind.INT_GT;
                case "ge" -> Condition.Kind.INT_GE;
                default -> Condition.Kind.REGEX;
            };
            if (kind != Condition.Kind.REGEX) {
                operand = p.substring(3).strip();
            } else if (p.startsWith("-ipmatch")) {
                throw err(d, pw, "-ipmatch is not supported");
            }
        }
        if (operand != null && operand.equals("\"\"")) {
            operand = "";
        }
        Pattern regex = null;
        if (kind == Condition.Kind.REGEX) {
            regex = compile(d, pw, p, negated ? 1 : 0, noCase);
        }
        if (pending.isEmpty()) {
            pendingFirst = d;
        }
        pending.add(new Condition(d.text(), test, kind, regex, operand, negated, noCase, orNext));
    }

    private Pattern compile(Directive d, Word w, String regex, int offset, boolean noCase)
            throws RewriteSyntaxException {
        try {
            return Regexes.compile(regex, noCase ? Pattern.CASE_INSENSITIVE : 0);
        } catch (PatternSyntaxException e) {
            int col = w.column() + (w.quoted() ? 1 : 0) + offset + Math.max(0, e.getIndex());
            throw new RewriteSyntaxException(prefix(d) + ": invalid regular expression '" + regex + "': "
                    + e.getDescription() + " (" + DirectiveLexer.position(w.line(), col) + ")");
        }
    }

    private void rule(Directive d) throws RewriteSyntaxException {
        List<Word> a = d.args();
        if (a.size() < 2 || a.size() > 3) {
            throw err(d, a.size() > 3 ? a.get(3) : null, a.size() > 3
                    ? "too many arguments (RewriteRule Pattern Substitution [flags]; flags are written without blanks)"
                    : "expects RewriteRule Pattern Substitution [flags]");
        }
        boolean chain = false, noCase = false, last = false, end = false, proxy = false, pt = false;
        int redirect = 0, status = 0, skip = 0, next = 0;
        boolean qsa = false, qsd = false, qsl = false, ne = false, b = false, bnp = false;
        String bOnly = null;
        List<RuleFlags.EnvAssign> env = new ArrayList<>();
        if (a.size() == 3) {
            Word fw = a.get(2);
            for (String[] f : flags(d, fw)) {
                String key = f[0].toLowerCase(Locale.ROOT);
                String val = f[1];
                switch (key) {
                    case "b" -> {
                        b = true;
                        if (val != null && !val.isEmpty()) {
                            bOnly = val;
                        }
                    }
                    case "bnp", "backrefnoplus" -> bnp = true;
                    case "c", "chain" -> chain = true;
                    case "nc", "nocase" -> noCase = true;
                    case "l", "last" -> last = true;
                    case "end" -> end = true;
                    case "p", "proxy" -> proxy = true;
                    case "pt", "passthrough" -> pt = true;
                    case "f", "forbidden" -> status = 403;
                    case "g", "gone" -> status = 410;
                    case "qsa", "qsappend" -> qsa = true;
                    case "qsd", "qsdiscard" -> qsd = true;
                    case "qsl", "qslast" -> qsl = true;
                    case "ne", "noescape" -> ne = true;
                    case "r", "redirect" -> {
                        int code = redirectCode(d, fw, f, val);
                        if (code >= 300 && code < 400) {
                            redirect = code;
                        } else {
                            status = code;
                        }
                    }
                    case "s", "skip" -> skip = number(d, fw, f, val, 1);
                    case "n", "next" -> next = val == null ? 10_000 : number(d, fw, f, val, 1);
                    case "e", "env" -> env.add(envFlag(d, fw, f, val));
                    case "ns", "nosubreq", "dpi", "discardpath", "t", "type", "h", "handler", "unsafeallow3f",
                            "unsafeprefixstat" -> {
                        // no sub-requests, files, handlers or MIME types here: accepted, without effect
                    }
                    case "co", "cookie" -> throw flagErr(d, fw, f, "flag " + f[0] + " (cookie) is not supported");
                    default -> throw flagErr(d, fw, f, "unknown flag '" + f[0] + "'");
                }
            }
        }
        Word pw = a.get(0);
        String p = pw.text();
        boolean negated = p.startsWith("!");
        Pattern pattern = compile(d, pw, negated ? p.substring(1) : p, negated ? 1 : 0, noCase);
        Word sw = a.get(1);
        Template subst = sw.text().equals("-") && !sw.quoted() ? null : template(d, sw);
        RuleFlags flags = new RuleFlags(chain, noCase, last, end, proxy, pt, redirect, status, qsa, qsd, qsl, ne, b,
                bOnly, bnp, skip, next, List.copyOf(env));
        rules.add(new Rule(name, rules.size() + 1, d.text(), pattern, negated, subst, flags, List.copyOf(pending)));
        pending.clear();
        pendingFirst = null;
    }

    private int redirectCode(Directive d, Word w, String[] f, String val) throws RewriteSyntaxException {
        if (val == null || val.isEmpty()) {
            return 302;
        }
        switch (val.toLowerCase(Locale.ROOT)) {
            case "permanent":
                return 301;
            case "temp":
                return 302;
            case "seeother":
                return 303;
            default:
                int code = number(d, w, f, val, 100);
                if (code > 599) {
                    throw flagErr(d, w, f, "'" + val + "' is not an HTTP status code");
                }
                return code;
        }
    }

    private int number(Directive d, Word w, String[] f, String val, int min) throws RewriteSyntaxException {
        try {
            int v = Integer.parseInt(val == null ? "" : val.strip());
            if (v < min) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw flagErr(d, w, f, "flag " + f[0] + " needs a number" + (min > 1 ? " of at least " + min : "")
                    + ", not '" + (val == null ? "" : val) + "'");
        }
    }

    private RuleFlags.EnvAssign envFlag(Directive d, Word w, String[] f, String val) throws RewriteSyntaxException {
        if (val == null || val.isEmpty()) {
            throw flagErr(d, w, f, "flag E needs VAR:VALUE or !VAR");
        }
        if (val.startsWith("!")) {
            return new RuleFlags.EnvAssign(val.substring(1), null);
        }
        int colon = val.indexOf(':');
        String var = colon < 0 ? val : val.substring(0, colon);
        String value = colon < 0 ? "" : val.substring(colon + 1);
        return new RuleFlags.EnvAssign(var, TemplateParser.parse(value, prefix(d), w.line(), Integer.parseInt(f[2])));
    }
}
