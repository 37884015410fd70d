package io.passerelle.rewrite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.passerelle.rewrite.internal.engine.Outcome;

/** The trace {@code proxy:rewrite-test} prints and the trace logger writes. */
class RewriteTraceTest {

    private static RewriteRuntime seeded() throws Exception {
        RewriteRuntime rt = new RewriteRuntime(Clock.systemUTC(), Path.of("."));
        rt.put(RewriteRuntimeTest.source("websocket", 100, "RewriteEngine on "
                + "RewriteCond %{HTTP:Upgrade} websocket [NC] RewriteCond %{HTTP:Connection} upgrade [NC] "
                + "RewriteRule ^/?(.*) \"ws://example.com:9080/$1\" [P,L]"));
        rt.put(RewriteRuntimeTest.source("legacy", 200, "RewriteEngine on RewriteRule ^/old/(.*) /new/$1 [R=301,L]"));
        return rt;
    }

    @Test
    void upgradeRequestTraceShowsEveryStepAndTheProxyTarget() throws Exception {
        RewriteService.TestReport r = seeded().test(new RewriteService.TestRequest("GET", "http://example.com/chat",
                List.of("Upgrade: websocket", "Connection: Upgrade"), null, null));
        assertEquals(List.of(
                "request GET /chat -> matching on '/chat'",
                "rule set 'websocket'",
                "  rule 1: RewriteRule ^/?(.*) \"ws://example.com:9080/$1\" [P,L]",
                "    pattern '^/?(.*)' on '/chat' -> matched  $0='/chat' $1='chat'",
                "    cond 1: RewriteCond %{HTTP:Upgrade} websocket [NC]",
                "      test string '%{HTTP:Upgrade}' -> 'websocket' -> matched  %0='websocket'",
                "    cond 2: RewriteCond %{HTTP:Connection} upgrade [NC]",
                "      test string '%{HTTP:Connection}' -> 'Upgrade' -> matched  %0='Upgrade'",
                "    substitution 'ws://example.com:9080/$1' -> 'ws://example.com:9080/chat' (no query)",
                "    [P]: processing stops",
                "outcome: proxy to ws://example.com:9080/chat (scheme handler 'ws')"), r.lines());
        assertInstanceOf(Outcome.Proxy.class, r.outcome());
    }

    @Test
    void failedConditionAndLaterRuleSetAreTraced() throws Exception {
        RewriteService.TestReport r = seeded().test(new RewriteService.TestRequest("GET", "/old/page?x=1",
                List.of(), "10.1.2.3:4567", null));
        assertEquals(List.of(
                "request GET /old/page?x=1 -> matching on '/old/page' with query 'x=1'",
                "rule set 'websocket'",
                "  rule 1: RewriteRule ^/?(.*) \"ws://example.com:9080/$1\" [P,L]",
                "    pattern '^/?(.*)' on '/old/page' -> matched  $0='/old/page' $1='old/page'",
                "    cond 1: RewriteCond %{HTTP:Upgrade} websocket [NC]",
                "      test string '%{HTTP:Upgrade}' -> '' -> no match",
                "    conditions not met: rule not applied",
                "rule set 'legacy'",
                "  rule 1: RewriteRule ^/old/(.*) /new/$1 [R=301,L]",
                "    pattern '^/old/(.*)' on '/old/page' -> matched  $0='/old/page' $1='page'",
                "    substitution '/new/$1' -> 'http://localhost/new/page' query 'x=1' [R=301]",
                "    [L]: processing stops",
                "outcome: redirect 301, Location: http://localhost/new/page?x=1"), r.lines());
    }

    @Test
    void oneRuleSetCanBeTestedAlone() throws Exception {
        RewriteService.TestReport r = seeded().test(new RewriteService.TestRequest("GET", "/old/a", List.of(), null,
                "legacy"));
        assertEquals("rule set 'legacy'", r.lines().get(1));
        assertEquals(new Outcome.Redirect(301, "http://localhost/new/a"), r.outcome());
        RewriteService.TestReport none = seeded().test(new RewriteService.TestRequest("GET", "/", List.of(), null,
                "nope"));
        assertEquals("rule set 'nope' is not in force (unknown, invalid, or without 'RewriteEngine on')",
                none.lines().get(0));
    }

    @Test
    void badTestUrlIsReported() throws Exception {
        RewriteService.TestReport r = seeded().test(new RewriteService.TestRequest("GET", "/a/../../x", List.of(),
                null, null));
        assertEquals(List.of("'/a/../../x' climbs above / (the core answers 400)"), r.lines());
    }
}
