package io.passerelle.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.BundleListener;

/**
 * Routes live in etc/ and follow their files while Karaf runs (SPEC 4, 4.2), the http
 * module comes and goes as a feature (SPEC 3.5, 5), and the shell shows what runs
 * (SPEC 6) — all against the real distribution, with traffic on loopback.
 *
 * <p>Karaf boots once for this class; each test uses its own route (t1, t2...) and
 * path, and removes its files afterwards.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RouteLifecycleIT extends PasserelleTestSupport {

    private static final String API_BUNDLE = "io.passerelle.api";
    private static final String CORE_BUNDLE = "io.passerelle.core";
    private static final String HTTP_BUNDLE = "io.passerelle.http";

    @Test
    public void routeFileDroppedIntoEtcServesWithinSecondsStrippingThePrefix() throws Exception {
        TestBackend a = startBackend("A");

        writeCfg("io.passerelle.route-t1.cfg", "path", "/t1/", "url", a.url());

        HttpResult answer = awaitHttp("/t1/x", 200, a.bodyFor("/x"));
        assertEquals(a.bodyFor("/x"), answer.body());
        assertTrue("backend A received /x, got " + a.uris(), a.uris().contains("/x"));
    }

    @Test
    public void editingTheUrlOfARouteSendsNewRequestsToTheNewBackend() throws Exception {
        TestBackend a = startBackend("A");
        TestBackend b = startBackend("B");
        writeCfg("io.passerelle.route-t2.cfg", "path", "/t2/", "url", a.url());
        awaitHttp("/t2/x", 200, a.bodyFor("/x"));

        writeCfg("io.passerelle.route-t2.cfg", "path", "/t2/", "url", b.url());

        awaitHttp("/t2/x", 200, b.bodyFor("/x"));
        int aBefore = a.requests();
        HttpResult again = httpGet("/t2/y");
        assertEquals(200, again.status());
        assertEquals(b.bodyFor("/y"), again.body());
        assertEquals("no new request reaches the old backend", aBefore, a.requests());
    }

    @Test
    public void deletingARouteFileAnswers404() throws Exception {
        TestBackend a = startBackend("A");
        writeCfg("io.passerelle.route-t3.cfg", "path", "/t3/", "url", a.url());
        awaitHttp("/t3/x", 200, a.bodyFor("/x"));

        deleteCfg("io.passerelle.route-t3.cfg");

        awaitHttp("/t3/x", 404, null);
        int seen = a.requests();
        assertEquals(404, httpGet("/t3/z").status());
        assertEquals("nothing reaches the backend of a removed route", seen, a.requests());
    }

    @Test
    public void invalidMatchKeepsThePreviousRouteServingAndLogsOneErrorNamingFileAndKey() throws Exception {
        TestBackend a = startBackend("A");
        writeCfg("io.passerelle.route-t4.cfg", "path", "/t4/", "url", a.url());
        awaitHttp("/t4/x", 200, a.bodyFor("/x"));

        // the same file, now with a regex that does not compile
        writeCfg("io.passerelle.route-t4.cfg", "match", "^/(unclosed", "url", a.url());

        await("one ERROR line naming io.passerelle.route-t4.cfg and match in karaf.log",
            () -> !karafLogLines(RouteLifecycleIT::isErrorAboutT4Match).isEmpty());
        HttpResult answer = httpGet("/t4/x");
        assertEquals("the last good version keeps serving", 200, answer.status());
        assertEquals(a.bodyFor("/x"), answer.body());
        List<String> errors = karafLogLines(RouteLifecycleIT::isErrorAboutT4Match);
        assertEquals("exactly one ERROR line: " + errors, 1, errors.size());
    }

    private static boolean isErrorAboutT4Match(String line) {
        return line.contains("| ERROR |") && line.contains("io.passerelle.route-t4.cfg") && line.contains("match");
    }

    @Test
    public void uninstallingPasserelleHttpAnswers503AndInstallingItAgainRestoresTheRouteWithoutRestart()
            throws Exception {
        TestBackend a = startBackend("A");
        writeCfg("io.passerelle.route-t5.cfg", "path", "/t5/", "url", a.url());
        awaitHttp("/t5/x", 200, a.bodyFor("/x"));

        Bundle core = bundle(CORE_BUNDLE);
        assertNotNull(CORE_BUNDLE + " is installed", core);
        long coreId = core.getBundleId();
        List<String> coreEvents = new CopyOnWriteArrayList<>();
        BundleListener watchCore = event -> {
            String symbolicName = event.getBundle().getSymbolicName();
            if (CORE_BUNDLE.equals(symbolicName) || API_BUNDLE.equals(symbolicName)) {
                coreEvents.add(symbolicName + " " + eventName(event.getType()));
            }
        };
        bundleContext.addBundleListener(watchCore);
        try {
            executeCommand("feature:uninstall passerelle-http");
            awaitHttp("/t5/x", 503, null);
            int seen = a.requests();

            executeCommand("feature:install passerelle-http");
            HttpResult back = awaitHttp("/t5/x", 200, a.bodyFor("/x"));
            assertEquals(a.bodyFor("/x"), back.body());
            assertEquals("one request reached the backend after the reinstall", seen + 1, a.requests());
        } finally {
            bundleContext.removeBundleListener(watchCore);
            if (bundle(HTTP_BUNDLE) == null) {
                executeCommand("feature:install passerelle-http"); // leave Karaf as booted
            }
        }
        assertEquals("the core bundle stayed installed", coreId, bundle(CORE_BUNDLE).getBundleId());
        assertEquals(Bundle.ACTIVE, bundle(CORE_BUNDLE).getState());
        assertEquals("the core and the API were neither stopped nor refreshed", List.of(), coreEvents);
    }

    private static String eventName(int type) {
        switch (type) {
            case BundleEvent.INSTALLED: return "INSTALLED";
            case BundleEvent.STARTED: return "STARTED";
            case BundleEvent.STOPPED: return "STOPPED";
            case BundleEvent.UPDATED: return "UPDATED";
            case BundleEvent.UNINSTALLED: return "UNINSTALLED";
            case BundleEvent.RESOLVED: return "RESOLVED";
            case BundleEvent.UNRESOLVED: return "UNRESOLVED";
            case BundleEvent.STARTING: return "STARTING";
            case BundleEvent.STOPPING: return "STOPPING";
            default: return "type " + type;
        }
    }

    @Test
    public void proxyRoutesListsTheRouteNameAndItsUrl() throws Exception {
        TestBackend a = startBackend("A");
        writeCfg("io.passerelle.route-t6.cfg", "path", "/t6/", "url", a.url());
        awaitHttp("/t6/x", 200, a.bodyFor("/x"));

        String output = executeCommand("proxy:routes");

        assertTrue("route t6 in:\n" + output, output.contains("t6"));
        assertTrue(a.url() + " in:\n" + output, output.contains(a.url()));
    }

    @Test
    public void proxyListenersListsMainWithItsPort() {
        String port = Integer.toString(listenerPort());
        await("the listener main to accept connections", () -> {
            httpGet("/");
            return true;
        });

        String output = executeCommand("proxy:listeners");

        assertTrue("listener main in:\n" + output, output.contains("main"));
        assertTrue("port " + port + " in:\n" + output, output.contains(port));
    }

    @Test
    public void eachRequestIsLoggedInApacheCombinedFormatToPasserelleAccessLog() throws Exception {
        TestBackend a = startBackend("A");
        writeCfg("io.passerelle.route-t7.cfg", "path", "/t7/", "url", a.url());
        awaitHttp("/t7/logged", 200, a.bodyFor("/logged"));

        java.nio.file.Path accessLog = karafLog().getParent().resolve("passerelle-access.log");
        java.util.regex.Pattern combined = java.util.regex.Pattern.compile(
            "^127\\.0\\.0\\.1 - - \\[\\d{2}/\\w{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}\\] "
            + "\"GET /t7/logged HTTP/1\\.1\" 200 \\d+ \"-\" \"[^\"]*\"$");
        await("a combined-format line for GET /t7/logged in " + accessLog, () -> java.nio.file.Files.exists(accessLog)
            && java.nio.file.Files.readAllLines(accessLog).stream().anyMatch(l -> combined.matcher(l).matches()));
        assertTrue("the access log stays out of karaf.log",
            karafLogLines(l -> l.contains("GET /t7/logged")).isEmpty());
    }

    /**
     * Issue 11: with {@code access.log.format = extended} in etc/io.passerelle.core.cfg, each line goes on with the
     * route, the backend, the upstream and total times, and a tunnel's line (written when it closes) with its
     * duration and the bytes each way.
     */
    @Test
    public void theExtendedAccessLogSaysRouteBackendTimesAndTunnelFigures() throws Exception {
        TestBackend a = startBackend("A");
        WsEchoBackend echo = WsEchoBackend.echo("log");
        java.nio.file.Path core = karafEtc().resolve("io.passerelle.core.cfg");
        String original = java.nio.file.Files.readString(core);
        try {
            writeCfg("io.passerelle.route-t9.cfg", "path", "/t9/", "url", a.url());
            writeCfg("io.passerelle.route-t9ws.cfg", "path", "/t9ws/", "url", echo.url());
            java.nio.file.Files.writeString(core, original + "\naccess.log.format = extended\n");
            java.nio.file.Path accessLog = karafLog().getParent().resolve("passerelle-access.log");
            java.util.regex.Pattern http = java.util.regex.Pattern.compile("^127\\.0\\.0\\.1 - - \\[[^]]+\\] "
                + "\"GET /t9/ext HTTP/1\\.1\" 200 \\d+ \"-\" \"[^\"]*\" route=t9 backend=http://127\\.0\\.0\\.1:"
                + a.port() + " upstream=\\d+\\.\\d{3} total=\\d+\\.\\d{3}$");
            // the file watcher applies the key within a second or two: ask until a line has the fields
            await("an extended line for GET /t9/ext in " + accessLog, () -> {
                awaitHttp("/t9/ext", 200, a.bodyFor("/ext"));
                return java.nio.file.Files.readAllLines(accessLog).stream().anyMatch(l -> http.matcher(l).matches());
            });

            try (RawWebSocket ws = RawWebSocket.open(listenerPort(), "/t9ws/x", 0, 10_000)) {
                assertEquals(101, ws.status());
                ws.sendText("0123456789");
                assertEquals("0123456789", new String(ws.readFrame().payload(), java.nio.charset.StandardCharsets.UTF_8));
                ws.sendClose(1000);
                ws.readFrame();
            }
            java.util.regex.Pattern tunnel = java.util.regex.Pattern.compile("^127\\.0\\.0\\.1 - - \\[[^]]+\\] "
                + "\"GET /t9ws/x HTTP/1\\.1\" 101 \\d+ \"-\" \"[^\"]*\" route=t9ws backend=http://127\\.0\\.0\\.1:"
                + echo.port() + " upstream=\\d+\\.\\d{3} total=\\d+\\.\\d{3} tunnel=\\d+\\.\\d{3} in=(\\d+) out=(\\d+)$");
            try {
                await("the tunnel's extended line when it closed", () -> java.nio.file.Files.readAllLines(accessLog)
                    .stream().anyMatch(l -> tunnel.matcher(l).matches()));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; the lines of /t9ws/:\n" + String.join("\n",
                    java.nio.file.Files.readAllLines(accessLog).stream().filter(l -> l.contains("/t9ws/")).toList()), e);
            }
            java.util.regex.Matcher m = java.nio.file.Files.readAllLines(accessLog).stream().map(tunnel::matcher)
                .filter(java.util.regex.Matcher::matches).findFirst().orElseThrow();
            // the client sent a 16-byte text frame and an 8-byte close frame; got a 12-byte echo and a close back
            assertEquals("bytes from the client", 24, Long.parseLong(m.group(1)));
            assertTrue("bytes to the client: " + m.group(2), Long.parseLong(m.group(2)) >= 12);
        } finally {
            java.nio.file.Files.writeString(core, original);
            echo.close();
        }
    }

    @Test
    public void aRouteWhoseSchemeHasNoHandlerAnswers503AndShowsTheFeatureItWaitsFor() throws Exception {
        // without the balancer module, balancer:// has no handler
        executeCommand("feature:uninstall passerelle-balancer");
        try {
            writeCfg("io.passerelle.route-t8.cfg", "path", "/t8/", "url", "balancer://cluster/");

            awaitHttp("/t8/x", 503, null);

            String output = executeCommand("proxy:routes t8");
            assertTrue("t8 waits for passerelle-balancer in:\n" + output,
                output.contains("waiting for passerelle-balancer"));
            await("one WARN naming the missing feature", () -> karafLogLines(
                l -> l.contains("| WARN ") && l.contains("Route t8") && l.contains("passerelle-balancer")).size() == 1);
        } finally {
            executeCommand("feature:install passerelle-balancer"); // leave Karaf as booted
        }
        // with it back, the route's handler is active (the balancer it names does not exist: still 503)
        await("t8 active", () -> executeCommand("proxy:routes t8").contains("active"));
    }

    @Test
    public void theRoutesAndListenersAreJmxAttributes() throws Exception {
        TestBackend a = startBackend("A");
        writeCfg("io.passerelle.route-t9.cfg", "path", "/t9/", "url", a.url());
        awaitHttp("/t9/x", 200, a.bodyFor("/x"));

        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName proxy = new javax.management.ObjectName("io.passerelle:type=Proxy");
        javax.management.openmbean.CompositeData[] routes =
            (javax.management.openmbean.CompositeData[]) server.getAttribute(proxy, "Routes");
        javax.management.openmbean.CompositeData t9 = java.util.Arrays.stream(routes)
            .filter(r -> "t9".equals(r.get("name"))).findFirst().orElseThrow();
        assertEquals(a.url(), t9.get("url"));
        assertEquals("active", t9.get("state"));
        assertTrue("requests counted: " + t9, (Long) t9.get("requests") >= 1);
        javax.management.openmbean.CompositeData[] listeners =
            (javax.management.openmbean.CompositeData[]) server.getAttribute(proxy, "Listeners");
        assertTrue(java.util.Arrays.stream(listeners).anyMatch(l -> "main".equals(l.get("name"))
            && ((String) l.get("address")).endsWith(":" + listenerPort())));
    }
}
