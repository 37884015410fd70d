package io.passerelle.itests;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The demo (SPEC §7): its page, served through the proxy, opens a WebSocket through the proxy to the echo
 * backend and shows the echo — checked in a real headless Chromium (Debian's chromium package, which
 * .ci/run installs; outside CI the test is skipped when no chromium is installed).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DemoPageIT extends PasserelleTestSupport {

    private static final String CHROMIUM = "/usr/bin/chromium";

    private static final Pattern BOUND = Pattern.compile(
        "Passerelle demo backends: HTTP on 127\\.0\\.0\\.1:(\\d+), WebSocket echo on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    public void theDemoPageShowsTheEchoOfItsWebSocketThroughTheProxy() throws Exception {
        boolean installed = new File(CHROMIUM).canExecute();
        if (System.getenv("CI") == null) {
            Assume.assumeTrue("no " + CHROMIUM + " here (CI installs it)", installed);
        }
        assertTrue(CHROMIUM + " is installed (.ci/run installs Debian's chromium)", installed);

        // the demo's backends on ephemeral ports (the feature keeps the files already in etc/), the routes to the
        // ports they bound, as their log line says
        writeCfg("io.passerelle.demo.cfg", "host", "127.0.0.1", "http.port", "0", "ws.port", "0");
        executeCommand("feature:install passerelle-demo");
        Matcher[] bound = {null};
        await("the demo backends to be bound", () -> {
            for (String line : karafLogLines(l -> l.contains("Passerelle demo backends:"))) {
                Matcher m = BOUND.matcher(line);
                if (m.find()) {
                    bound[0] = m;
                }
            }
            return bound[0] != null;
        });
        writeCfg("io.passerelle.route-demo.cfg", "path", "/", "url", "http://127.0.0.1:" + bound[0].group(1) + "/");
        writeCfg("io.passerelle.route-demo-ws.cfg", "path", "/ws/", "url", "ws://127.0.0.1:" + bound[0].group(2) + "/");
        awaitHttp("/", 200, "Passerelle demo");

        Path profile = Files.createTempDirectory("chromium-profile");
        String dom = poll(TIMEOUT, () -> {
            String page = dumpDom(profile);
            return page.contains("<li>hello from the page</li>") ? page : null;
        });
        assertNotNull("the echo of the page's WebSocket appeared on the page within " + TIMEOUT, dom);
        assertTrue(dom, dom.contains("<span id=\"status\">connected</span>"));
    }

    /** The page's DOM after its scripts ran, as headless Chromium sees it. */
    private String dumpDom(Path profile) throws Exception {
        Process p = new ProcessBuilder(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
            "http://127.0.0.1:" + listenerPort() + "/")
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
