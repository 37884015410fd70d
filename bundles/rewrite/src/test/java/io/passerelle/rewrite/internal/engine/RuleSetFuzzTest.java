package io.passerelle.rewrite.internal.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.passerelle.common.http.DotSegments;
import io.passerelle.rewrite.internal.parse.ParsedRuleSet;
import io.passerelle.rewrite.internal.parse.RewriteSyntaxException;
import io.passerelle.rewrite.internal.parse.RuleSetParser;

/**
 * The mod_rewrite rule parser under a coverage-guided fuzzer (Jazzer; issue 10): any text either parses or is
 * refused with the parser's own error naming where; a rule set that parses runs on a request without failing,
 * and what it hands back to the core is a path that stays below {@code /} with no CR, LF or NUL, a redirect, a
 * status, or a proxy URL without them. Under {@code mvn verify} the corpus in
 * {@code RuleSetFuzzTestInputs/} replays; {@code JAZZER_FUZZ=1 mvn -pl bundles/rewrite test
 * -Dtest=RuleSetFuzzTest} fuzzes.
 */
class RuleSetFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void ruleSets(FuzzedDataProvider data) {
        boolean file = data.consumeBoolean();
        String path = "/" + data.consumeAsciiString(24);
        String text = data.consumeRemainingAsString();
        ParsedRuleSet parsed;
        try {
            parsed = file ? RuleSetParser.parseFile("f", text) : RuleSetParser.parseValue("f", text);
        } catch (RewriteSyntaxException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains("rule set 'f'"), e.getMessage());
            return;
        }
        if (!parsed.engineOn()) {
            return;
        }
        Req req;
        try {
            req = Req.get(path);
        } catch (RuntimeException e) {
            return; // not a request the front end would have let through
        }
        Outcome o = new Evaluator(Rewrites.CLOCK).evaluate(new RuleList(parsed.rules(), MapSource.NONE), req.head(),
                req.client(), null);
        if (o instanceof Outcome.Rewrite r) {
            assertTrue(r.path().startsWith("/"), r.path());
            assertTrue(DotSegments.resolve(r.path()) != null, "never above /: " + r.path());
            assertFalse(r.path().contains("\r") || r.path().contains("\n") || r.path().indexOf(0) >= 0, r.path());
        } else if (o instanceof Outcome.Proxy p) {
            String url = p.url().toString();
            assertFalse(url.contains("\r") || url.contains("\n") || url.indexOf(0) >= 0, url);
        }
    }
}
