package io.passerelle.rewrite.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.passerelle.api.HookResult;
import io.passerelle.api.spi.RewriteMap;
import io.passerelle.common.config.ConfigException;
import io.passerelle.rewrite.internal.engine.Outcome;

class RewriteRuntimeTest {

    @TempDir
    Path dir;

    private RewriteRuntime runtime() {
        return new RewriteRuntime(Clock.systemUTC(), dir);
    }

    static RuleSetSource source(String pid, int order, String rules) throws ConfigException {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", pid);
        p.put("order", order);
        p.put("rules", rules);
        return RuleSetSource.from(p);
    }

    static RuleSetSource fileSource(String pid, Path file) throws ConfigException {
        return RuleSetSource.from(Map.of("service.pid", pid, "rules.file", file.toString()));
    }

    /** The outcome of {@code GET url} through the runtime, as a short string. */
    static String get(RewriteService rt, String url, String... headers) {
        RewriteService.TestReport r = rt.test(new RewriteService.TestRequest("GET", url, List.of(headers), null, null));
        Outcome o = r.outcome();
        if (o instanceof Outcome.Rewrite w) {
            return w.query() == null ? w.path() : w.path() + "?" + w.query();
        }
        return o.describe();
    }

    @Test
    void nameIsTheNameKeyElseTheFileAliasElseThePid() throws Exception {
        assertEquals("given", RuleSetSource.from(Map.of("service.pid", "io.passerelle.rewrite~x", "name", "given",
                "rules", "RewriteEngine on")).name());
        RuleSetSource s = RuleSetSource.from(Map.of("service.pid", "io.passerelle.rewrite.1234",
                "felix.fileinstall.filename", "file:/opt/etc/io.passerelle.rewrite-websocket.cfg", "rules", "x"));
        assertEquals("websocket", s.name());
        assertEquals("/opt/etc/io.passerelle.rewrite-websocket.cfg", s.origin());
        assertEquals("io.passerelle.rewrite.99", RuleSetSource.from(Map.of("service.pid", "io.passerelle.rewrite.99",
                "rules", "x")).name());
    }

    @Test
    void invalidKeysNameTheKey() {
        ConfigException both = assertThrows(ConfigException.class, () -> RuleSetSource.from(
                Map.of("service.pid", "p", "rules", "x", "rules.file", "y")));
        assertEquals("rules.file", both.key());
        assertEquals("rules", assertThrows(ConfigException.class,
                () -> RuleSetSource.from(Map.of("service.pid", "p"))).key());
        ConfigException order = assertThrows(ConfigException.class, () -> RuleSetSource.from(
                Map.of("service.pid", "p", "rules", "x", "order", "first")));
        assertEquals("Invalid configuration f.cfg: key 'order': 'first' is not an integer (the previous configuration, "
                + "if any, stays in force)", order.describe("f.cfg"));
    }

    @Test
    void ruleSetsFormOneListInAscendingOrderAndLEndsIt() throws Exception {
        RewriteRuntime rt = runtime();
        rt.put(source("late", 20, "RewriteEngine on RewriteRule ^ - [F]"));
        rt.put(source("early", 10, "RewriteEngine on RewriteRule ^/a /b [L]"));
        assertEquals("/b", get(rt, "/a"));
        assertEquals("status 403", get(rt, "/x"));
        assertEquals(List.of("early", "late"), rt.ruleSets().stream().map(RewriteService.RuleSetView::name).toList());
        rt.remove("late");
        assertEquals("unchanged (the route table sees the original path)", get(rt, "/x"));
    }

    @Test
    void anInvalidVersionKeepsThePreviousOneServing() throws Exception {
        RewriteRuntime rt = runtime();
        rt.put(source("s", 1, "RewriteEngine on RewriteRule ^/a /good"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> rt.put(source("s", 1, "RewriteEngine on RewriteRule ^/a /bad [Z]")));
        assertEquals("rules", e.key());
        assertEquals("rule set 's': RewriteRule at column 18: unknown flag 'Z' (column 40)", e.getMessage());
        assertEquals("/good", get(rt, "/a"));
    }

    @Test
    void rulesFileIsReloadedWhenItChangesAndABadEditKeepsTheLastGoodVersion() throws Exception {
        Path f = dir.resolve("rules.conf");
        Files.writeString(f, "RewriteEngine on\nRewriteRule ^/a /one\n");
        RewriteRuntime rt = runtime();
        rt.put(fileSource("f", f));
        assertEquals("/one", get(rt, "/a"));
        Files.writeString(f, "RewriteEngine on\n# now two\nRewriteRule ^/a /two\n");
        rt.poll();
        assertEquals("/two", get(rt, "/a"));
        Files.writeString(f, "RewriteEngine on\nRewriteRule ^/a /three [Bogus]\n");
        rt.poll();
        assertEquals("/two", get(rt, "/a"));
    }

    @Test
    void relativeRulesFileIsResolvedAgainstTheBase() throws Exception {
        Files.writeString(dir.resolve("r.conf"), "RewriteEngine on\nRewriteRule ^/a /rel\n");
        RewriteRuntime rt = runtime();
        rt.put(RuleSetSource.from(Map.of("service.pid", "f", "rules.file", "r.conf")));
        assertEquals("/rel", get(rt, "/a"));
        ConfigException e = assertThrows(ConfigException.class,
                () -> rt.put(RuleSetSource.from(Map.of("service.pid", "g", "rules.file", "missing.conf"))));
        assertEquals("rules.file", e.key());
        assertTrue(e.getMessage().contains(dir.resolve("missing.conf").toString()), e.getMessage());
    }

    @Test
    void txtMapAnswersAndIsReloadedWhenTheFileChanges() throws Exception {
        Path map = dir.resolve("hosts.txt");
        Files.writeString(map, "# key value\nk1 v1\nk1 ignored\n  k3   v3   trailing words\n");
        RewriteRuntime rt = runtime();
        rt.put(source("m", 1, "RewriteEngine on RewriteMap m txt:hosts.txt RewriteRule ^/(.*) /${m:$1|none}"));
        assertEquals("/v1", get(rt, "/k1"));
        assertEquals("/v3", get(rt, "/k3"));
        assertEquals("/none", get(rt, "/k2"));
        Files.writeString(map, "k1 w1\nk2 v2\n");
        rt.poll();
        assertEquals("/w1", get(rt, "/k1"));
        assertEquals("/v2", get(rt, "/k2"));
    }

    @Test
    void aMissingTxtMapFileRejectsTheRuleSet() {
        RewriteRuntime rt = runtime();
        ConfigException e = assertThrows(ConfigException.class,
                () -> rt.put(source("m", 1, "RewriteEngine on RewriteMap m txt:nope.txt RewriteRule ^ -")));
        assertTrue(e.getMessage().startsWith("rule set 'm': RewriteMap at column 18: map 'm': cannot read "), e.getMessage());
    }

    @Test
    void rndMapPicksAmongTheAlternatives() throws Exception {
        Files.writeString(dir.resolve("servers.txt"), "static s1|s2|s3\nsingle only\n");
        RewriteRuntime rt = runtime();
        rt.put(source("r", 1, "RewriteEngine on RewriteMap servers rnd:servers.txt "
                + "RewriteRule ^/(\\w+)$ /${servers:$1|default}"));
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            seen.add(get(rt, "/static"));
        }
        assertEquals(Set.of("/s1", "/s2", "/s3"), seen);
        assertEquals("/only", get(rt, "/single"));
        assertEquals("/default", get(rt, "/other"));
    }

    @Test
    void intMaps() throws Exception {
        RewriteRuntime rt = runtime();
        rt.put(source("i", 1, "RewriteEngine on RewriteMap up int:toupper RewriteMap lo int:tolower "
                + "RewriteMap esc int:escape RewriteMap unesc int:unescape "
                + "RewriteRule ^/up/(.*) /${up:$1} [L] RewriteRule ^/lo/(.*) /${lo:$1} [L] "
                + "RewriteRule ^/esc/(.*) /x?v=${esc:$1} [L] RewriteRule ^/unesc /x?v=${unesc:%{QUERY_STRING}} [L]"));
        assertEquals("/ABC", get(rt, "/up/abc"));
        assertEquals("/abc", get(rt, "/lo/ABC"));
        assertEquals("/x?v=a%20b%3F", get(rt, "/esc/a%20b%3F"));
        assertEquals("/x?v=a/b", get(rt, "/unesc?a%2Fb"));
    }

    @Test
    void mapsDeclaredInOneRuleSetServeTheOthers() throws Exception {
        RewriteRuntime rt = runtime();
        rt.put(source("maps", 1, "RewriteMap up int:toupper"));
        rt.put(source("rules", 2, "RewriteEngine on RewriteRule ^/(.*) /${up:$1}"));
        assertEquals("/ABC", get(rt, "/abc"));
    }

    @Test
    void thirdPartyMapTypeIsUsedWhileItsServiceIsRegistered() throws Exception {
        RewriteRuntime rt = runtime();
        rt.put(source("x", 1, "RewriteEngine on RewriteMap rev reverse:prefix- RewriteRule ^/(\\w+)$ /${rev:$1|dflt}"));
        assertEquals("/dflt", get(rt, "/abc"), "the rule set is kept; lookups yield the default until the type exists");
        RewriteMap reverse = (arg, key) -> arg + new StringBuilder(key).reverse();
        rt.bindMap("reverse", reverse);
        assertEquals("/prefix-cba", get(rt, "/abc"));
        rt.unbindMap("reverse", reverse);
        assertEquals("/dflt", get(rt, "/abc"));
    }

    @Test
    void aThirdPartyMapCanRefuseItsArgument() {
        RewriteRuntime rt = runtime();
        rt.bindMap("strict", new RewriteMap() {
            @Override
            public String lookup(String argument, String key) {
                return key;
            }

            @Override
            public void prepare(String argument) {
                if (!argument.equals("ok")) {
                    throw new IllegalArgumentException("argument must be ok");
                }
            }
        });
        ConfigException e = assertThrows(ConfigException.class,
                () -> rt.put(source("x", 1, "RewriteMap s strict:bad")));
        assertTrue(e.getMessage().endsWith("map 's' (strict:bad): argument must be ok"), e.getMessage());
    }

    @Test
    void outcomesBecomeHookResults() {
        HookResult.Respond redirect = assertInstanceOf(HookResult.Respond.class,
                RewriteHook.toHookResult(new Outcome.Redirect(301, "http://x/y")));
        assertEquals(301, redirect.head().status());
        assertEquals("Moved Permanently", redirect.head().reason());
        assertEquals("http://x/y", redirect.head().headers().get("Location"));
        HookResult.Respond gone = assertInstanceOf(HookResult.Respond.class, RewriteHook.toHookResult(new Outcome.Status(410)));
        assertEquals(410, gone.head().status());
        assertEquals(new HookResult.Proceed("/a", "b=1", false),
                RewriteHook.toHookResult(new Outcome.Rewrite("/a", "b=1")));
        assertEquals(HookResult.proceed(), RewriteHook.toHookResult(Outcome.UNCHANGED));
        assertEquals(new HookResult.Proxy(java.net.URI.create("ws://b:1/c")),
                RewriteHook.toHookResult(new Outcome.Proxy(java.net.URI.create("ws://b:1/c"))));
    }

    @Test
    void hookReloadsMapFilesOnItsOwnScheduler() throws IOException, Exception {
        Path map = dir.resolve("live.txt");
        Files.writeString(map, "k before\n");
        RewriteHook hook = new RewriteHook();
        hook.activate();
        try {
            hook.put(source("live", 1, "RewriteEngine on RewriteMap m txt:" + map + " RewriteRule ^/(.*) /${m:$1}"));
            assertEquals("/before", get(hook, "/k"));
            Files.writeString(map, "k after-the-edit\n");
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!get(hook, "/k").equals("/after-the-edit") && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L); // looks again in 5 ms, until the deadline
            }
            assertEquals("/after-the-edit", get(hook, "/k"));
        } finally {
            hook.deactivate();
        }
    }

}
