package io.passerelle.rewrite.internal.engine;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.passerelle.rewrite.internal.parse.ParsedRuleSet;
import io.passerelle.rewrite.internal.parse.RewriteSyntaxException;
import io.passerelle.rewrite.internal.parse.RuleSetParser;

/** Runs rules written as a joined {@code rules} value on a request; outcomes as short strings. */
final class Rewrites {

    /** Saturday 3 February 2024, 04:05:06 UTC. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-02-03T04:05:06Z"), ZoneOffset.UTC);

    private Rewrites() {
    }

    static RuleList compile(String rules, MapSource maps) {
        try {
            ParsedRuleSet p = RuleSetParser.parseValue("t", rules);
            return new RuleList(p.engineOn() ? p.rules() : java.util.List.of(), maps);
        } catch (RewriteSyntaxException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    static String run(String rules, Req req) {
        return run(rules, req, MapSource.NONE, null);
    }

    static String run(String rules, Req req, MapSource maps, Trace trace) {
        Outcome o = new Evaluator(CLOCK).evaluate(compile(rules, maps), req.head(), req.client(), trace);
        return show(o);
    }

    static String show(Outcome o) {
        if (o instanceof Outcome.Unchanged) {
            return "unchanged";
        }
        if (o instanceof Outcome.Rewrite r) {
            return "rewrite " + r.path() + (r.query() == null ? "" : "?" + r.query());
        }
        if (o instanceof Outcome.Redirect r) {
            return "redirect " + r.status() + " " + r.location();
        }
        if (o instanceof Outcome.Status s) {
            return "status " + s.status();
        }
        return "proxy " + ((Outcome.Proxy) o).url();
    }
}
