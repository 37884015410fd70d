package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * SPEC §4.8 and issue 11: a route with {@code url = status:} serves the live figures as a page, Prometheus text
 * and JSON, checked with real clients: the page in headless Chromium (Debian's chromium) shows a tunnel this test
 * opened, and a real Prometheus server (Debian's prometheus, started here on loopback, scraping every second)
 * answers the request count this test produced through its query API. .ci/run installs both; elsewhere the two
 * cases are skipped when the program is missing.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class StatusIT extends PasserelleTestSupport {

    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String PROMETHEUS = "/usr/bin/prometheus";

    private final List<AutoCloseable> closeAfter = new ArrayList<>();

    @After
    public void closeWhatWasOpened() {
        for (AutoCloseable c : closeAfter) {
            try {
                c.close();
            } catch (Exception e) {
                // closed anyway
            }
        }
        closeAfter.clear();
    }

    private void statusRoute() throws Exception {
        writeCfg("io.passerelle.route-status.cfg", "path", "/server-status/", "url", "status:");
        awaitHttp("/server-status/", 200, "Passerelle status");
    }

    @Test
    public void theMetricsAndTheJsonCountTheRequestsOfARoute() throws Exception {
        TestBackend a = startBackend("A");
        writeCfg("io.passerelle.route-st1.cfg", "path", "/st1/", "url", a.url());
        statusRoute();
        awaitHttp("/st1/warm", 200, a.bodyFor("/warm"));
        for (int i = 0; i < 6; i++) {
            assertEquals(200, httpGet("/st1/r" + i).status());
        }
        HttpResult metrics = httpGet("/server-status/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.header("Content-Type"), metrics.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        assertTrue(metrics.body(), metrics.body().contains("passerelle_requests_total{code=\"200\",route=\"st1\"} 7.0\n"));
        assertTrue(metrics.body(), metrics.body().contains("passerelle_request_duration_seconds_count{route=\"st1\"} 7\n"));
        assertTrue(metrics.body(), metrics.body().contains("passerelle_connections_open{listener=\"main\"}"));
        HttpResult json = httpGet("/server-status/json");
        assertEquals(200, json.status());
        assertEquals("application/json", json.header("Content-Type"));
        assertTrue(json.body(), json.body().contains("{\"name\":\"st1\",\"path_or_match\":\"/st1/\""));
        assertTrue(json.body(), json.body().contains("\"responses\":{\"200\":7}"));
        assertEquals(404, httpGet("/server-status/nothing-here").status());
        assertEquals(405, httpPost("/server-status/metrics", "x").status());
    }

    @Test
    public void theStatusPageInHeadlessChromiumShowsATunnelThisTestOpened() throws Exception {
        boolean installed = new File(CHROMIUM).canExecute();
        if (System.getenv("CI") == null) {
            Assume.assumeTrue("no " + CHROMIUM + " here (CI installs it)", installed);
        }
        assertTrue(CHROMIUM + " is installed (.ci/run installs Debian's chromium)", installed);
        WsEchoBackend echo = WsEchoBackend.echo("status");
        closeAfter.add(echo);
        writeCfg("io.passerelle.route-st-ws.cfg", "path", "/st-ws/", "url", echo.url());
        statusRoute();
        RawWebSocket tunnel = poll(TIMEOUT, () -> {
            RawWebSocket ws = RawWebSocket.open(listenerPort(), "/st-ws/x", 0, 10_000);
            if (ws.status() == 101) {
                return ws;
            }
            ws.close();
            return null;
        });
        assertNotNull("a tunnel through /st-ws/", tunnel);
        closeAfter.add(tunnel);
        String client = "127.0.0.1:" + tunnel.localPort();

        Path profile = Files.createTempDirectory("chromium-profile");
        Process p = new ProcessBuilder(CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--user-data-dir=" + profile, "--dump-dom", "http://127.0.0.1:" + listenerPort() + "/server-status/")
            .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String dom = new String(p.getInputStream().readAllBytes(), UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        assertTrue("the open tunnel's client " + client + " in the page Chromium shows:\n" + dom,
            dom.contains("<td>" + client + "</td><td>127.0.0.1:" + echo.port() + "</td><td>st-ws</td>"));
        assertTrue(dom, dom.contains("<h1>Passerelle status</h1>"));
    }

    @Test
    public void aRealPrometheusServerScrapesTheRequestCountThisTestProduced() throws Exception {
        boolean installed = new File(PROMETHEUS).canExecute();
        if (System.getenv("CI") == null) {
            Assume.assumeTrue("no " + PROMETHEUS + " here (CI installs it)", installed);
        }
        assertTrue(PROMETHEUS + " is installed (.ci/run installs Debian's prometheus)", installed);
        TestBackend a = startBackend("P");
        writeCfg("io.passerelle.route-st2.cfg", "path", "/st2/", "url", a.url());
        statusRoute();
        awaitHttp("/st2/warm", 200, a.bodyFor("/warm"));
        for (int i = 0; i < 4; i++) {
            assertEquals(200, httpGet("/st2/r" + i).status());
        }

        Path dir = Files.createTempDirectory("prometheus");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
            "global:",
            "  scrape_interval: 1s",
            "scrape_configs:",
            "  - job_name: passerelle",
            "    metrics_path: /server-status/metrics",
            "    static_configs:",
            "      - targets: ['127.0.0.1:" + listenerPort() + "']", ""));
        // Prometheus has no way to report a port it chose: a free one is picked, and the start retried if taken
        int port = 0;
        Process prometheus = null;
        for (int attempt = 0; attempt < 3 && prometheus == null; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Process p = new ProcessBuilder(PROMETHEUS, "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus-" + attempt + ".log").toFile()).start();
            int p0 = port;
            Boolean ready = poll(TIMEOUT, () -> !p.isAlive() ? Boolean.FALSE : get(p0, "/-/ready") == 200 ? Boolean.TRUE : null);
            if (Boolean.TRUE.equals(ready)) {
                prometheus = p;
            } else {
                p.destroyForcibly();
            }
        }
        assertNotNull("Prometheus started; its log: " + dir, prometheus);
        Process started = prometheus;
        closeAfter.add(() -> {
            started.destroy();
            if (!started.waitFor(10, TimeUnit.SECONDS)) {
                started.destroyForcibly();
            }
        });
        String query = "/api/v1/query?query=" + URLEncoder.encode("passerelle_requests_total{route=\"st2\",code=\"200\"}", UTF_8);
        int prometheusPort = port;
        String answer = poll(TIMEOUT, () -> {
            String body = body(prometheusPort, query);
            return body.contains("\"value\":[") && body.contains(",\"5\"]") ? body : null;
        });
        assertNotNull("Prometheus's query API answers the 5 requests of /st2/ (last answer: "
            + body(prometheusPort, query) + ")", answer);
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int get(int port, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private static String body(int port, String path) {
        try (InputStream in = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofInputStream()).body()) {
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException | InterruptedException e) {
            return e.toString();
        }
    }
}
