package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The rewrite module (SPEC 4.6, mod_rewrite) in the distribution: rule sets written into etc/, real HTTP and
 * WebSocket traffic through the listener to real backends, maps edited while Karaf runs, the example map
 * bundle dropped into deploy/, and {@code proxy:rewrite-test}.
 *
 * <p>Rule sets apply to every request (server context): each test removes its own after it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RewriteIT extends PasserelleTestSupport {

    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final List<Path> filesAfter = new ArrayList<>();


    @After
    public void closeBackendsAndFiles() throws Exception {
        for (AutoCloseable c : closeAfter) {
            try {
                c.close();
            } catch (Exception e) {
                // closed anyway
            }
        }
        closeAfter.clear();
        for (Path p : filesAfter) {
            Files.deleteIfExists(p);
        }
        filesAfter.clear();
    }

    /** Writes rule set NAME with its directives as one continued value (as the .cfg shows them). */
    private void rules(String name, String... directives) throws Exception {
        writeCfg("io.passerelle.rewrite-" + name + ".cfg", "rules", String.join(" \\\n        ", directives));
    }

    /** Writes a file of etc/ (deleted after the test) and returns its absolute path. */
    private Path etcFile(String name, String content) throws Exception {
        Path p = karafEtc().resolve(name);
        Path tmp = Files.createTempFile(karafEtc(), "." + name, ".tmp");
        Files.writeString(tmp, content, UTF_8);
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        if (!filesAfter.contains(p)) {
            filesAfter.add(p);
        }
        return p;
    }

    @Test
    public void theSeedRuleSetTunnelsUpgradesToTheWsBackendAndTheRootRouteProxiesTheRest() throws Exception {
        WsEchoBackend ws = WsEchoBackend.echo("ws");
        closeAfter.add(ws);
        TestBackend web = startBackend("web");
        writeCfg("io.passerelle.route-rw-root.cfg", "path", "/", "url", web.url());
        rules("websocket",
                "RewriteEngine on",
                "RewriteCond %{HTTP:Upgrade} websocket [NC]",
                "RewriteCond %{HTTP:Connection} upgrade [NC]",
                "RewriteRule ^/?(.*) \"ws://127.0.0.1:" + ws.port() + "/$1\" [P,L]");

        awaitHttp("/page?x=1", 200, web.bodyFor("/page?x=1"));
        try (RawWebSocket socket = RawWebSocket.open(listenerPort(), "/chat/room1", 0, 10_000)) {
            assertEquals(socket.describe(), 101, socket.status());
            assertTrue(socket.acceptMatches());
            assertEquals("ws", socket.header("X-Backend"));
        }
        assertEquals(List.of("/chat/room1"), ws.paths());
        assertEquals("plain requests never reached the ws backend", 1, ws.accepted());
    }

    @Test
    public void aRedirectR302AnswersWithAnAbsoluteLocationAndReachesNoBackend() throws Exception {
        TestBackend web = startBackend("web");
        writeCfg("io.passerelle.route-rw-r.cfg", "path", "/", "url", web.url());
        rules("redirect", "RewriteEngine on", "RewriteRule ^/old/(.*)$ /new/$1 [R=302,L]");
        HttpResult r = awaitHttp("/old/page?q=2", 302, null);
        assertEquals("http://127.0.0.1:" + listenerPort() + "/new/page?q=2", r.header("Location"));
        assertEquals(0, web.requests());
    }

    @Test
    public void forbiddenFAnswers403AndGoneGAnswers410() throws Exception {
        TestBackend web = startBackend("web");
        writeCfg("io.passerelle.route-rw-fg.cfg", "path", "/", "url", web.url());
        rules("fg", "RewriteEngine on", "RewriteRule ^/secret - [F]", "RewriteRule ^/old-news - [G]");
        awaitHttp("/secret/x", 403, null);
        assertEquals(410, httpGet("/old-news/1").status());
        assertEquals(200, httpGet("/open").status());
        assertEquals("only /open reached the backend", List.of("/open"), web.uris());
    }

    @Test
    public void qsaAppendsTheClientsQueryToTheSubstitutionsQuery() throws Exception {
        TestBackend web = startBackend("web");
        writeCfg("io.passerelle.route-rw-q.cfg", "path", "/t/", "url", web.url());
        rules("qsa", "RewriteEngine on", "RewriteRule ^/search/(.*)$ /t/find/$1?added=1 [QSA]",
                "RewriteRule ^/plain/(.*)$ /t/find/$1?added=1");
        awaitHttp("/search/cats?page=2", 200, web.bodyFor("/find/cats?added=1&page=2"));
        assertEquals("without QSA the substitution's query replaces the client's",
                web.bodyFor("/find/dogs?added=1"), httpGet("/plain/dogs?page=3").body());
    }

    @Test
    public void aTxtMapDecidesTheTargetAndEditingTheMapFileChangesItWithoutRestart() throws Exception {
        TestBackend web = startBackend("web");
        writeCfg("io.passerelle.route-rw-m.cfg", "path", "/t/", "url", web.url());
        Path map = etcFile("rw-users.map", "# user -> home\nalice /homes/a\nbob /homes/b\n");
        Path rulesFile = etcFile("rw-users.rules", "RewriteEngine on\n"
                + "RewriteMap users txt:" + map + "\n"
                + "RewriteRule ^/~([^/]+)/(.*)$ /t${users:$1|/nobody}/$2 [L]\n");
        writeCfg("io.passerelle.rewrite-users.cfg", "rules.file", rulesFile.toString());
        awaitHttp("/~alice/index.html", 200, web.bodyFor("/homes/a/index.html"));
        assertEquals(web.bodyFor("/nobody/x"), httpGet("/~carol/x").body());

        etcFile("rw-users.map", "alice /moved/a\ncarol /homes/c\n");
        awaitHttp("/~alice/index.html", 200, web.bodyFor("/moved/a/index.html"));
        assertEquals(web.bodyFor("/homes/c/x"), httpGet("/~carol/x").body());
    }

    @Test
    public void theExampleMapBundleDroppedIntoDeployIsUsedByARule() throws Exception {
        TestBackend web = startBackend("web");
        writeCfg("io.passerelle.route-rw-h.cfg", "path", "/t/", "url", web.url());
        Path rulesFile = etcFile("rw-shard.rules", "RewriteEngine on\n"
                + "RewriteMap shard hash:3\n"
                + "RewriteRule ^/shard/(.*)$ /t/bucket-${shard:$1|none}/$1 [L]\n");
        writeCfg("io.passerelle.rewrite-shard.cfg", "rules.file", rulesFile.toString());
        awaitHttp("/shard/alice", 200, web.bodyFor("/bucket-none/alice"));

        Path jar = exampleJar("passerelle-example-rewrite-map-hash.jar");
        Path deployed = Paths.get(System.getProperty("karaf.base"), "deploy", "passerelle-example-rewrite-map-hash.jar");
        Files.copy(jar, deployed, StandardCopyOption.REPLACE_EXISTING);
        filesAfter.add(deployed);
        CRC32 crc = new CRC32();
        crc.update("alice".getBytes(UTF_8));
        long bucket = crc.getValue() % 3;
        awaitHttp("/shard/alice", 200, web.bodyFor("/bucket-" + bucket + "/alice"));
    }

    @Test
    public void proxyRewriteTestPrintsEachConditionWithItsTestStringAndTheOutcome() throws Exception {
        rules("traced",
                "RewriteEngine on",
                "RewriteCond %{HTTP:Upgrade} websocket [NC]",
                "RewriteCond %{HTTP:Connection} upgrade [NC]",
                "RewriteRule ^/?(.*) \"ws://127.0.0.1:9/$1\" [P,L]");
        String out = executeCommand("proxy:rewrite-test -H Upgrade:websocket -H Connection:Upgrade http://localhost/chat");
        assertTrue(out, out.contains("rule set 'traced'"));
        assertTrue(out, out.contains("'%{HTTP:Upgrade}' -> 'websocket' -> matched"));
        assertTrue(out, out.contains("proxy to ws://127.0.0.1:9/chat"));
        String plain = executeCommand("proxy:rewrite-test http://localhost/chat");
        assertTrue(plain, plain.contains("no match"));
        assertTrue(plain, !plain.contains("proxy to"));
    }

    @Test
    public void theTraceLoggerLogsTheSameTraceForLiveRequests() throws Exception {
        TestBackend web = startBackend("web");
        writeCfg("io.passerelle.route-rw-tr.cfg", "path", "/t/", "url", web.url());
        rules("live", "RewriteEngine on", "RewriteCond %{HTTP_USER_AGENT} passerelle-itests",
                "RewriteRule ^/live/(.*)$ /t/$1 [L]");
        executeCommand("log:set TRACE io.passerelle.rewrite.trace");
        try {
            awaitHttp("/live/traced-1", 200, null);
            // log:set reaches pax-logging through Config Admin, a moment later: ask until a request is traced
            await("the live trace in karaf.log", () -> {
                assertEquals(200, httpGet("/live/traced-1").status());
                List<String> lines = karafLogLines(l -> l.contains("io.passerelle.rewrite.trace") || l.contains("| TRACE |"));
                String all = String.join("\n", lines);
                return all.contains("rule set 'live'") && all.contains("^/live/(.*)$") && all.contains("/t/traced-1");
            });
        } finally {
            executeCommand("log:set INFO io.passerelle.rewrite.trace");
        }
    }
}
