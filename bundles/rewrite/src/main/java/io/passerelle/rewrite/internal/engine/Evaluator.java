package io.passerelle.rewrite.internal.engine;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.RequestHead;
import io.passerelle.common.http.DotSegments;

/**
 * Runs a request through a {@link RuleList} with httpd's server-context semantics ({@code mod_rewrite.c}'s
 * rule loop as described by rewrite/tech.html and rewrite/flags.html): a rule's pattern is tried on the
 * current URL-path first, then its conditions; {@code [C]} chains, {@code [S=n]}, {@code [L]}, {@code [END]},
 * {@code [N]}, and the final decision between an internal rewrite, a redirect, a status and a proxy request.
 * Allocation-light and lock-free: safe on the I/O threads.
 */
public final class Evaluator {

    /** httpd's default limit of {@code [N]} rounds ({@code LimitInternalRecursion} aside). */
    static final int DEFAULT_NEXT_LIMIT = 10_000;

    private final Clock clock;

    public Evaluator(Clock clock) {
        this.clock = clock;
    }

    /** Whether the string starts with {@code scheme://} (httpd's {@code is_absolute_uri}, any scheme). */
    public static boolean isAbsolute(String s) {
        int n = s.length();
        int i = 0;
        if (n == 0 || !Character.isLetter(s.charAt(0))) {
            return false;
        }
        while (i < n) {
            char c = s.charAt(i);
            if (c == ':') {
                return i > 0 && i + 2 < n && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/';
            }
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.') || c > 0x7f) {
                return false;
            }
            i++;
        }
        return false;
    }

    /**
     * Evaluates.
     *
     * @param trace receives the trace, or null (no trace work is done then)
     */
    public Outcome evaluate(RuleList list, RequestHead request, ClientInfo client, Trace trace) {
        List<Rule> rules = list.rules();
        int n = rules.size();
        if (n == 0) {
            if (trace != null) {
                trace.line("no rule set is in force");
                trace.line("outcome: " + Outcome.UNCHANGED.describe());
            }
            return Outcome.UNCHANGED;
        }
        EvalContext ctx = new EvalContext(request, client, list.maps(), trace, clock);
        if (trace != null) {
            trace.line("request " + request.method() + " " + request.pathAndQuery() + " -> matching on '" + ctx.uri
                    + "'" + (ctx.query == null ? "" : " with query '" + ctx.query + "'"));
        }
        boolean changed = false;
        boolean noEscape = false;
        int redirect = 0;
        boolean proxy = false;
        int rounds = 0;
        String set = null;
        loop:
        while (true) {
            for (int i = 0; i < n; i++) {
                Rule rule = rules.get(i);
                if (trace != null && !rule.ruleSet().equals(set)) {
                    set = rule.ruleSet();
                    trace.line("rule set '" + set + "'");
                }
                int rc = apply(rule, ctx);
                RuleFlags f = rule.flags();
                if (rc != 0) {
                    if (f.status() != 0) {
                        return finish(trace, new Outcome.Status(f.status()));
                    }
                    if (rc == 1) {
                        changed = true;
                        noEscape = f.noEscape();
                        if (f.proxy()) {
                            proxy = true;
                            redirect = 0;
                        } else if (f.redirect() != 0) {
                            redirect = f.redirect();
                        }
                    }
                    if (f.stops()) {
                        if (trace != null) {
                            trace.line("    " + stopFlag(f) + ": processing stops");
                        }
                        break loop;
                    }
                    if (f.next() > 0) {
                        if (++rounds >= f.next()) {
                            if (trace != null) {
                                trace.line("    [N]: more than " + f.next() + " rounds, giving up");
                            }
                            return finish(trace, new Outcome.Status(500));
                        }
                        if (trace != null) {
                            trace.line("    [N]: starting again from the first rule with '" + ctx.uri + "'");
                        }
                        set = null;
                        continue loop;
                    }
                    if (f.skip() > 0) {
                        int s = f.skip();
                        if (trace != null) {
                            trace.line("    [S=" + s + "]: skipping the next " + s + " rule(s)");
                        }
                        i = Math.min(n, i + s);
                    }
                } else {
                    while (i < n && rules.get(i).flags().chain()) {
                        i++;
                        if (trace != null && i < n) {
                            trace.line("  rule " + rules.get(i).index() + " skipped ([C] chain broken)");
                        }
                    }
                }
            }
            break;
        }
        if (!changed) {
            return finish(trace, Outcome.UNCHANGED);
        }
        return finish(trace, decide(ctx, proxy, redirect, noEscape));
    }

    private static String stopFlag(RuleFlags f) {
        return f.end() ? "[END]" : f.proxy() ? "[P]" : f.passThrough() ? "[PT]" : "[L]";
    }

    private static Outcome finish(Trace trace, Outcome o) {
        if (trace != null) {
            trace.line("outcome: " + o.describe());
        }
        return o;
    }

    /** httpd's {@code hook_uri2file} after the rule loop. */
    private Outcome decide(EvalContext ctx, boolean proxy, int redirect, boolean noEscape) {
        String uri = ctx.uri;
        if (proxy) {
            String url = Escapes.canonical(uri, false) + (ctx.query == null ? "" : "?" + Escapes.canonical(ctx.query, true));
            try {
                return new Outcome.Proxy(new URI(url));
            } catch (URISyntaxException e) {
                if (ctx.trace != null) {
                    ctx.trace.line("proxy target '" + url + "' is not a valid URL: " + e.getMessage());
                }
                return new Outcome.Status(500);
            }
        }
        if (isAbsolute(uri)) {
            String location = noEscape ? Escapes.escapeUnsafe(uri) : escapeAbsolute(uri);
            if (ctx.query != null) {
                boolean sameArgs = ctx.query.equals(ctx.request.query());
                location += "?" + (noEscape || sameArgs ? Escapes.escapeUnsafe(ctx.query) : Escapes.escapeUri(ctx.query));
            }
            return new Outcome.Redirect(redirect != 0 ? redirect : 302, location);
        }
        if (!uri.startsWith("/")) {
            if (ctx.trace != null) {
                ctx.trace.line("'" + uri + "' is not a URL-path (it must start with /)");
            }
            return new Outcome.Status(400);
        }
        String path = DotSegments.resolve(Escapes.canonical(uri, false));
        if (path == null) {
            return new Outcome.Status(400);
        }
        String query = ctx.query == null ? null : Escapes.canonical(ctx.query, true);
        if (path.equals(ctx.request.path()) && java.util.Objects.equals(query, ctx.request.query())) {
            return Outcome.UNCHANGED;
        }
        return new Outcome.Rewrite(path, query);
    }

    /** httpd's {@code escape_absolute_uri}: only what follows {@code scheme://authority} is escaped. */
    private static String escapeAbsolute(String uri) {
        int start = uri.indexOf("://") + 3;
        int slash = uri.indexOf('/', start);
        if (slash < 0) {
            return Escapes.escapeUnsafe(uri);
        }
        return Escapes.escapeUnsafe(uri.substring(0, slash)) + Escapes.escapeUri(uri.substring(slash));
    }

    /**
     * Applies one rule (httpd's {@code apply_rewrite_rule}).
     *
     * @return 0 when it did not apply, 1 when it changed the URI, 2 when it matched without substitution
     */
    private int apply(Rule rule, EvalContext ctx) {
        Matcher m = rule.pattern().matcher(ctx.uri);
        boolean found = m.find();
        boolean matched = found != rule.negated();
        Trace trace = ctx.trace;
        if (trace != null) {
            trace.line("  rule " + rule.index() + ": " + rule.source());
            trace.line("    pattern '" + (rule.negated() ? "!" : "") + rule.pattern().pattern() + "' on '" + ctx.uri
                    + "' -> " + (matched ? "matched" : "no match") + (found && !rule.negated() ? refs("$", m) : ""));
        }
        if (!matched) {
            return 0;
        }
        ctx.condGroups = null;
        ctx.ruleGroups = rule.negated() ? null : EvalContext.groups(m);
        List<Condition> conds = rule.conditions();
        for (int j = 0, c = conds.size(); j < c; j++) {
            Condition cond = conds.get(j);
            boolean rc = test(cond, ctx, j + 1);
            if (cond.orNext()) {
                if (!rc) {
                    continue;
                }
                while (j < c && conds.get(j).orNext()) {
                    j++;
                    if (trace != null && j < c) {
                        trace.line("    cond " + (j + 1) + " skipped ([OR] already satisfied)");
                    }
                }
            } else if (!rc) {
                if (trace != null) {
                    trace.line("    conditions not met: rule not applied");
                }
                return 0;
            }
        }
        RuleFlags f = rule.flags();
        for (RuleFlags.EnvAssign e : f.env()) {
            String v = e.value() == null ? null : e.value().expand(ctx, null);
            ctx.setEnv(e.name(), v);
            if (trace != null) {
                trace.line("    [E]: " + (v == null ? "unset " + e.name() : e.name() + "='" + v + "'"));
            }
        }
        if (f.status() != 0) {
            if (trace != null) {
                trace.line("    status " + f.status() + (f.status() == 403 ? " [F]" : f.status() == 410 ? " [G]" : ""));
            }
            return 2;
        }
        if (rule.substitution() == null) {
            if (trace != null) {
                trace.line("    substitution '-': URI left as it is");
            }
            return 2;
        }
        String result = rule.substitution().expand(ctx, f);
        if (f.qsDiscard()) {
            ctx.query = null;
        }
        int q = f.qsLast() ? result.lastIndexOf('?') : result.indexOf('?');
        if (q >= 0) {
            String newArgs = result.substring(q + 1);
            result = result.substring(0, q);
            String args;
            if (f.qsAppend()) {
                args = newArgs.isEmpty() ? ctx.query : ctx.query == null ? newArgs : newArgs + "&" + ctx.query;
            } else {
                args = newArgs;
            }
            if (args != null && args.endsWith("&")) {
                args = args.substring(0, args.length() - 1);
            }
            ctx.query = args == null || args.isEmpty() ? null : args;
        }
        if (f.proxy()) {
            result = qualify(result, ctx);
        } else if (f.redirect() != 0) {
            result = qualify(result, ctx);
        } else {
            result = reduce(result, ctx);
        }
        if (trace != null) {
            trace.line("    substitution '" + rule.substitution().source() + "' -> '" + result + "'"
                    + (ctx.query == null ? " (no query)" : " query '" + ctx.query + "'")
                    + (f.redirect() != 0 ? " [R=" + f.redirect() + "]" : ""));
        }
        ctx.uri = result;
        return 1;
    }

    /** httpd's {@code fully_qualify_uri}. */
    private static String qualify(String uri, EvalContext ctx) {
        if (isAbsolute(uri)) {
            return uri;
        }
        return ctx.scheme() + "://" + ctx.authority() + (uri.startsWith("/") ? uri : "/" + uri);
    }

    /** httpd's {@code reduce_uri}: {@code http[s]://this-host[:port]/path} becomes {@code /path}. */
    private static String reduce(String uri, EvalContext ctx) {
        String lower = uri.length() > 8 ? uri.substring(0, 8).toLowerCase(Locale.ROOT) : uri.toLowerCase(Locale.ROOT);
        int start;
        String defaultPort;
        if (lower.startsWith("http://")) {
            start = 7;
            defaultPort = "80";
        } else if (lower.startsWith("https://")) {
            start = 8;
            defaultPort = "443";
        } else {
            return uri;
        }
        int slash = uri.indexOf('/', start);
        String authority = slash < 0 ? uri.substring(start) : uri.substring(start, slash);
        String host = authority;
        String port = defaultPort;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && authority.indexOf(']', colon) < 0) {
            host = authority.substring(0, colon);
            port = authority.substring(colon + 1);
        }
        if (host.equalsIgnoreCase(ctx.serverName()) && port.equals(ctx.serverPort())) {
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }

    private static boolean test(Condition cond, EvalContext ctx, int index) {
        String input = cond.test().expand(ctx, null);
        boolean rc;
        String refs = "";
        if (cond.kind() == Condition.Kind.REGEX) {
            Matcher m = cond.regex().matcher(input);
            rc = m.find();
            if (rc && !cond.negated()) {
                ctx.condGroups = EvalContext.groups(m);
                if (ctx.trace != null) {
                    refs = refs("%", m);
                }
            }
        } else {
            rc = cond.compare(input);
        }
        if (cond.negated()) {
            rc = !rc;
        }
        if (ctx.trace != null) {
            ctx.trace.line("    cond " + index + ": " + cond.source());
            ctx.trace.line("      test string '" + cond.test().source() + "' -> '" + input + "' -> "
                    + (rc ? "matched" : "no match") + refs);
        }
        return rc;
    }

    private static String refs(String sigil, Matcher m) {
        StringBuilder b = new StringBuilder("  ");
        for (int i = 0; i <= m.groupCount(); i++) {
            b.append(i == 0 ? "" : " ").append(sigil).append(i).append("='")
                    .append(m.group(i) == null ? "" : m.group(i)).append('\'');
        }
        return b.toString();
    }
}
