package io.passerelle.itests;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;

/**
 * The WebSocket handshake through the real distribution (SPEC 4.1-4.3, mod_proxy_wstunnel; issue 3): the
 * three configurations of httpd's mod_proxy_wstunnel documentation written as route files in etc/, the
 * handshake's semantics (the client's {@code Upgrade} as sent, {@code Sec-WebSocket-*} untouched, a wrong
 * {@code 101} answered 502, a refusal relayed on a connection that stays HTTP, {@code fallback.to.http} both
 * ways, 426), the idle timeouts, and TLS on both sides (a TLS listener serving https:// and wss://, wss:// and
 * https:// backends with a trust store, or with {@code tls.verify = false}).
 *
 * <p>Backends are {@link UpgradeBackend}s (they record each request head exactly as received and answer what
 * the test says) and {@link TestBackend}s; clients are the JDK's {@link WebSocket} (a real WebSocket client)
 * or an {@link UpgradeClient} where the test writes every byte of the request (the JDK's client cannot send
 * another Upgrade value, or offer an extension). Karaf boots once for the class; each test uses its own route
 * names and removes its files and backends; a test that edits {@code etc/io.passerelle.wstunnel.cfg} puts its
 * original content back after.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class WsHandshakeIT extends PasserelleTestSupport {

    private static final int READ_TIMEOUT_MS = 15_000;
    private static final String WSTUNNEL_CFG = "io.passerelle.wstunnel.cfg";
    private static final String WSTUNNEL_PID = "io.passerelle.wstunnel";
    private static final String BARRIER_PID = "itests.wshandshake.barrier";
    /** RFC 6455 section 1.3's sample key and the accept value it derives. */
    private static final String RFC_KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    private static final String RFC_ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private final List<UpgradeBackend> upgradeBackends = new ArrayList<>();
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
    private final ExecutorService clientExecutor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "ws-handshake-it-client");
        t.setDaemon(true);
        return t;
    });
    /** etc/io.passerelle.wstunnel.cfg as it was before this test changed it (null: not changed). */
    private byte[] wstunnelOriginal;
    private boolean wstunnelExisted;

    /**
     * The distribution as {@link PasserelleTestSupport} boots it, with Karaf's file watcher polling etc/ every
     * 250 ms instead of every second: the tests write some forty .cfg files, and each write waits to be read.
     */
    @Override
    @org.ops4j.pax.exam.Configuration
    public Option[] config() {
        Option[] options = super.config();
        Option[] faster = Arrays.copyOf(options, options.length + 1);
        faster[options.length] = editConfigurationFilePut("etc/config.properties", "felix.fileinstall.poll", "250");
        return faster;
    }

    /** Runs before the support class's clean-up (which deletes the route files). */
    @After
    public void closeClientsAndBackendsAndRestoreWstunnelCfg() throws Exception {
        // what the backends met while the test ran, before the clients' closes reach them
        List<String> backendErrors = new ArrayList<>();
        for (UpgradeBackend backend : upgradeBackends) {
            backendErrors.addAll(backend.errors());
        }
        for (AutoCloseable c : closeAfter) {
            try {
                c.close();
            } catch (Exception e) {
                // closed anyway
            }
        }
        closeAfter.clear();
        for (UpgradeBackend backend : upgradeBackends) {
            backend.close();
        }
        upgradeBackends.clear();
        clientExecutor.shutdownNow();
        restoreWsTunnelCfg();
        assertEquals("the backends met no I/O error", List.of(), backendErrors);
    }

    // ================================================================== 1. the three configurations of the httpd docs

    /** {@code ProxyPass "/ws2/" "ws://echo.websocket.org/"} as {@code etc/io.passerelle.route-ws2.cfg}. */
    @Test
    public void proxyPassPathRouteWs2TunnelsARealWebSocketToTheBackendPathUnderItsUrl() throws Exception {
        UpgradeBackend backend = upgradeBackend("P1", UpgradeBackend::webSocket);
        route("ws2", "path", "/ws2/", "url", backend.url("ws"));

        Messages messages = new Messages();
        WebSocket ws = jdkWebSocket(httpClient(null), "ws://127.0.0.1:" + listenerPort() + "/ws2/echo?room=1",
            messages);
        assertJdkEcho(ws, messages, "hello through ProxyPass /ws2/");
        assertJdkEcho(ws, messages, "and a second message");

        UpgradeBackend.Head head = backend.lastHead();
        assertEquals("the backend got the path under the route's url, query kept: " + head, "/echo?room=1",
            head.target());
        assertEquals("one handshake reached the backend: " + backend, 1, backend.heads().size());
        assertEquals("the backend echoed both messages: " + backend, 2, backend.framesEchoed());

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertEquals("the backend's close came back through the proxy", Integer.valueOf(WebSocket.NORMAL_CLOSURE),
            messages.closed.get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS));
        await("the backend to see its tunnel end", () -> backend.tunnelsEnded() == 1 && backend.open() == 0);
    }

    /**
     * {@code ProxyPassMatch ^/(myApp/ws)$ ws://backend/$1} written together with {@code ProxyPass / http://...}:
     * the regex route wins for upgrades on /myApp/ws, the root http route serves every other path.
     */
    @Test
    public void proxyPassMatchMyAppWsWinsForUpgradesWhileARootHttpRouteServesOtherPaths() throws Exception {
        UpgradeBackend ws = upgradeBackend("M2", UpgradeBackend::webSocket);
        TestBackend http = startBackend("H2");
        route("myapp-ws", "match", "^/(myApp/ws)$", "url", "ws://127.0.0.1:" + ws.port() + "/$1");
        route("myapp-root", "path", "/", "url", http.url());

        Messages messages = new Messages();
        WebSocket socket = jdkWebSocket(httpClient(null), "ws://127.0.0.1:" + listenerPort() + "/myApp/ws", messages);
        assertJdkEcho(socket, messages, "through ProxyPassMatch");
        socket.abort();
        assertEquals("the upgrade reached the ws backend as /$1: " + ws.heads(), "/myApp/ws", ws.lastHead().target());

        HttpResult page = httpGet("/index.html");
        assertEquals("the root http route serves /index.html: " + page, 200, page.status());
        assertEquals(http.bodyFor("/index.html"), page.body());
        HttpResult sibling = httpGet("/myApp/wsx");
        assertEquals("/myApp/wsx does not match ^/(myApp/ws)$ and goes to the root route: " + sibling,
            http.bodyFor("/myApp/wsx"), sibling.body());
        assertEquals("only the upgrade reached the ws backend: " + ws.heads(), 1, ws.heads().size());
        assertEquals("the two plain requests reached the http backend: " + http.uris(),
            List.of("/index.html", "/myApp/wsx"), http.uris());
    }

    /** {@code upgrade = ANY}: a protocol that is not WebSocket ({@code foo/1}) is tunnelled, raw bytes both ways. */
    @Test
    public void upgradeAnyTunnelsFoo1AndCarriesRawBytesBothWays() throws Exception {
        String greeting = "foo/1 backend ready\n";
        UpgradeBackend backend = upgradeBackend("A3", head -> "foo/1".equals(head.header("Upgrade"))
            ? UpgradeBackend.switching(greeting, "Upgrade: foo/1", "Connection: Upgrade")
            : UpgradeBackend.status(400, "Bad Request", "not foo/1"));
        route("any", "path", "/any/", "url", backend.url("ws"), "upgrade", "ANY");

        try (UpgradeClient client = client()) {
            HttpResult answer = client.exchange("GET /any/chat HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: foo/1");
            assertEquals("101 for Upgrade: foo/1 on an upgrade = ANY route: " + answer, 101, answer.status());
            assertEquals("the 101 names foo/1: " + answer, "foo/1", answer.header("Upgrade"));
            assertEquals("the backend speaks first, unprompted", greeting, client.read(greeting.length()));
            client.write("ping over foo/1\n");
            assertEquals("the client's bytes reach the backend and its answer comes back", "PING OVER FOO/1\n",
                client.read(16));
        }
        UpgradeBackend.Head head = backend.lastHead();
        assertTrue("the backend got Upgrade: foo/1: " + head, head.hasLine("Upgrade: foo/1"));
        assertEquals("one upgrade reached the backend: " + backend, 1, backend.heads().size());
    }

    /**
     * {@code upgrade = NONE}: SPEC 4.2 and httpd ("NONE means you bypass the check for the header but still
     * upgrade to WebSocket"): the client's Upgrade header is not checked, {@code Upgrade: websocket} goes to the
     * backend. The wstunnel module does exactly that even for a request with no Upgrade at all.
     */
    @Test
    public void upgradeNoneSendsUpgradeWebsocketToTheBackendWhateverTheClientAskedOrDidNotAsk() throws Exception {
        UpgradeBackend backend = upgradeBackend("N4", head -> "websocket".equals(head.header("Upgrade"))
            ? UpgradeBackend.switching("none ready\n", "Upgrade: websocket", "Connection: Upgrade")
            : UpgradeBackend.status(400, "Bad Request", "expected Upgrade: websocket"));
        route("none", "path", "/none/", "url", backend.url("ws"), "upgrade", "NONE");

        // a plain GET, no Upgrade, no Connection: upgrade
        try (UpgradeClient client = client()) {
            HttpResult answer = client.exchange("GET /none/plain HTTP/1.1", "Host: 127.0.0.1:" + listenerPort());
            assertEquals("a plain GET on an upgrade = NONE route is upgraded: " + answer, 101, answer.status());
            assertEquals("none ready\n", client.read(11));
            client.write("abc");
            assertEquals("ABC", client.read(3));
        }
        UpgradeBackend.Head plain = backend.lastHead();
        assertTrue("the backend got Upgrade: websocket for the plain GET: " + plain,
            plain.hasLine("Upgrade: websocket"));
        assertTrue("and Connection: Upgrade: " + plain, tokens(plain.headers("Connection")).contains("upgrade"));

        // a client asking for another protocol
        try (UpgradeClient client = client()) {
            HttpResult answer = client.exchange("GET /none/foo HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: foo/1");
            assertEquals("Upgrade: foo/1 on an upgrade = NONE route is upgraded: " + answer, 101, answer.status());
            assertEquals("the client sees the backend's websocket: " + answer, "websocket", answer.header("Upgrade"));
            assertEquals("none ready\n", client.read(11));
            client.write("xyz");
            assertEquals("XYZ", client.read(3));
        }
        UpgradeBackend.Head foo = backend.lastHead();
        assertEquals("the backend got Upgrade: websocket, not the client's foo/1: " + foo, List.of("websocket"),
            foo.headers("Upgrade"));
        assertFalse("nothing of foo/1 reached the backend: " + foo, foo.raw().contains("foo/1"));
    }

    // ================================================================== 2. handshake semantics

    @Test
    public void theClientsUpgradeValueReachesTheBackendAsSentAndSecWebSocketFieldsUntouched() throws Exception {
        UpgradeBackend backend = upgradeBackend("C5", UpgradeBackend::webSocket);
        route("case", "path", "/case/", "url", backend.url("ws"));

        try (UpgradeClient client = client()) {
            HttpResult answer = client.exchange("GET /case/chat HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: keep-alive, Upgrade", "Upgrade: WebSocket", "Sec-WebSocket-Key: " + RFC_KEY,
                "Sec-WebSocket-Version: 13", "Sec-WebSocket-Protocol: v2.chat.example, v1.chat.example",
                "Origin: http://example.com");
            assertEquals("the handshake: " + answer, 101, answer.status());
            assertEquals("the backend's Upgrade (the value it received) comes back as is: " + answer, "WebSocket",
                answer.header("Upgrade"));
            assertEquals("the backend's Sec-WebSocket-Accept for RFC 6455's sample key: " + answer, RFC_ACCEPT,
                answer.header("Sec-WebSocket-Accept"));
            client.sendFrame(0x81, "after the handshake".getBytes(UTF_8));
            UpgradeClient.Frame echo = client.readFrame();
            assertNotNull("the echo", echo);
            assertEquals("the echo: " + echo, "after the handshake", echo.text());
        }
        UpgradeBackend.Head head = backend.lastHead();
        assertTrue("Upgrade: WebSocket reached the backend as sent, not re-cased: " + head,
            head.hasLine("Upgrade: WebSocket"));
        assertEquals("one Upgrade field: " + head, 1, head.headers("Upgrade").size());
        assertTrue("Connection names upgrade at the backend: " + head,
            tokens(head.headers("Connection")).contains("upgrade"));
        assertTrue("Sec-WebSocket-Key untouched: " + head, head.hasLine("Sec-WebSocket-Key: " + RFC_KEY));
        assertTrue("Sec-WebSocket-Version untouched: " + head, head.hasLine("Sec-WebSocket-Version: 13"));
        assertTrue("Sec-WebSocket-Protocol untouched: " + head,
            head.hasLine("Sec-WebSocket-Protocol: v2.chat.example, v1.chat.example"));
        assertTrue("Origin untouched: " + head, head.hasLine("Origin: http://example.com"));
    }

    @Test
    public void aSubProtocolOfferedByARealWebSocketClientIsPickedByTheBackendAndSeenByTheClient() throws Exception {
        UpgradeBackend backend = upgradeBackend("S6", head -> {
            String offered = head.header("Sec-WebSocket-Protocol");
            return offered != null && tokens(List.of(offered)).contains("superchat")
                ? UpgradeBackend.webSocket(head, "Sec-WebSocket-Protocol: superchat")
                : UpgradeBackend.webSocket(head);
        });
        route("subproto", "path", "/subproto/", "url", backend.url("ws"));

        Messages messages = new Messages();
        WebSocket ws = jdkWebSocket(httpClient(null), "ws://127.0.0.1:" + listenerPort() + "/subproto/room", messages,
            "chat", "superchat");
        assertEquals("the client sees the sub-protocol the backend picked (its second choice)", "superchat",
            ws.getSubprotocol());
        assertJdkEcho(ws, messages, "spoken in superchat");
        ws.abort();
        UpgradeBackend.Head head = backend.lastHead();
        assertEquals("the backend got the client's offer as sent: " + head, List.of("chat, superchat"),
            head.headers("Sec-WebSocket-Protocol"));
    }

    @Test
    public void permessageDeflateIsNegotiatedEndToEndAndACompressedFrameCrossesUntouched() throws Exception {
        String offer = "permessage-deflate; client_max_window_bits";
        String agreed = "permessage-deflate; server_no_context_takeover; client_no_context_takeover";
        UpgradeBackend backend = upgradeBackend("D7", head -> {
            String extensions = head.header("Sec-WebSocket-Extensions");
            return extensions != null && extensions.startsWith("permessage-deflate")
                ? UpgradeBackend.webSocket(head, "Sec-WebSocket-Extensions: " + agreed)
                : UpgradeBackend.webSocket(head);
        });
        route("deflate", "path", "/deflate/", "url", backend.url("ws"));

        String text = "a compressed message, a compressed message, a compressed message";
        byte[] compressed = deflate(text.getBytes(UTF_8));
        try (UpgradeClient client = client()) {
            HttpResult answer = client.exchange("GET /deflate/x HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: " + RFC_KEY,
                "Sec-WebSocket-Version: 13", "Sec-WebSocket-Extensions: " + offer);
            assertEquals("the handshake: " + answer, 101, answer.status());
            assertEquals("the client sees the backend's answer to its offer: " + answer, agreed,
                answer.header("Sec-WebSocket-Extensions"));
            // FIN + RSV1 (compressed) + text
            client.sendFrame(0xC1, compressed);
            UpgradeClient.Frame echo = client.readFrame();
            assertNotNull("the echo of the compressed frame", echo);
            assertTrue("RSV1 crossed the proxy both ways: " + echo, echo.rsv1());
            assertEquals("opcode text: " + echo, RawWebSocket.TEXT, echo.opcode());
            assertTrue("the compressed payload came back byte for byte",
                Arrays.equals(compressed, echo.payload()));
            assertEquals("and inflates to the message", text, inflate(echo.payload()));
        }
        UpgradeBackend.Head head = backend.lastHead();
        assertEquals("the backend got the client's offer as sent: " + head, List.of(offer),
            head.headers("Sec-WebSocket-Extensions"));
        assertEquals("the backend received the frame with RSV1 set: " + backend, 1, backend.compressedFramesEchoed());
    }

    @Test
    public void a101WithAnotherUpgradeOrWithoutUpgradeIs502WhileOneDifferingOnlyInCaseIsRelayed()
            throws Exception {
        UpgradeBackend backend = upgradeBackend("B8", head -> switch (head.target()) {
            case "/h2c" -> UpgradeBackend.switching("", "Upgrade: h2c", "Connection: Upgrade");
            case "/bare" -> UpgradeBackend.switching("", "Connection: Upgrade");
            default -> UpgradeBackend.switching("lower-case\n", "Upgrade: websocket", "Connection: Upgrade");
        });
        route("bad101", "path", "/bad101/", "url", backend.url("ws"));

        for (String path : List.of("/bad101/h2c", "/bad101/bare")) {
            try (UpgradeClient client = client()) {
                HttpResult answer = client.exchange("GET " + path + " HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                    "Connection: Upgrade", "Upgrade: WebSocket", "Sec-WebSocket-Key: " + RFC_KEY,
                    "Sec-WebSocket-Version: 13");
                assertEquals("GET " + path + ", backend's 101 with "
                    + (path.endsWith("h2c") ? "Upgrade: h2c" : "no Upgrade") + ": " + answer, 502, answer.status());
            }
        }
        // protocol names compare case-insensitively (RFC 9110 7.8): WebSocket asked, websocket answered
        try (UpgradeClient client = client()) {
            HttpResult answer = client.exchange("GET /bad101/lower HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: WebSocket", "Sec-WebSocket-Key: " + RFC_KEY,
                "Sec-WebSocket-Version: 13");
            assertEquals("Upgrade: WebSocket asked, 101 with Upgrade: websocket: " + answer, 101, answer.status());
            assertEquals("websocket", answer.header("Upgrade"));
            assertEquals("lower-case\n", client.read(11));
        }
        assertEquals("the three handshakes reached the backend (the 502s judge its 101s): " + backend.heads(),
            List.of("/h2c", "/bare", "/lower"), backend.heads().stream().map(UpgradeBackend.Head::target).toList());
        await("the proxy to close the backend connections", () -> backend.open() == 0);
    }

    /**
     * {@code Upgrade} is a list of protocols (RFC 9110 7.8); httpd tunnels a request whose list holds the route's
     * protocol ({@code ap_proxy_worker_can_upgrade} looks for the token) and SPEC 4.3 speaks of "an Upgrade token
     * allowed by the route". The backend picks websocket from {@code websocket, foo/1}.
     */
    @Test
    public void anUpgradeListOfferingWebsocketAmongOtherProtocolsIsTunnelledWithTheBackendsChoice()
            throws Exception {
        UpgradeBackend backend = upgradeBackend("L18", head -> tokens(head.headers("Upgrade")).contains("websocket")
            ? UpgradeBackend.switching("picked websocket\n", "Upgrade: websocket", "Connection: Upgrade",
                "Sec-WebSocket-Accept: " + RawWebSocket.acceptFor(head.header("Sec-WebSocket-Key")))
            : UpgradeBackend.status(400, "Bad Request", "no websocket in Upgrade: " + head.headers("Upgrade")));
        route("uplist", "path", "/uplist/", "url", backend.url("ws"));

        try (UpgradeClient client = client()) {
            HttpResult answer = client.exchange("GET /uplist/x HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: websocket, foo/1", "Sec-WebSocket-Key: " + RFC_KEY,
                "Sec-WebSocket-Version: 13");
            assertEquals("Upgrade: websocket, foo/1 on a websocket route, backend answering 101 websocket: " + answer
                + "; the backend received " + backend.heads(), 101, answer.status());
            assertEquals("websocket", answer.header("Upgrade"));
            assertEquals("picked websocket\n", client.read(17));
            client.write("abc");
            assertEquals("ABC", client.read(3));
        }
        UpgradeBackend.Head head = backend.lastHead();
        assertTrue("the client's list reached the backend as sent: " + head,
            head.hasLine("Upgrade: websocket, foo/1"));
    }

    @Test
    public void aBackendRefusal403IsRelayedAndTheSameClientConnectionCarriesTheNextHandshake() throws Exception {
        UpgradeBackend backend = upgradeBackend("R9", head -> head.target().equals("/refuse")
            ? UpgradeBackend.status(403, "Forbidden", "refused by the backend")
            : UpgradeBackend.webSocket(head));
        route("gate", "path", "/gate/", "url", backend.url("ws"));

        try (UpgradeClient client = client()) {
            HttpResult refused = client.exchange("GET /gate/refuse HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: " + RFC_KEY,
                "Sec-WebSocket-Version: 13");
            assertEquals("the backend's refusal is relayed: " + refused, 403, refused.status());
            assertEquals("with its body: " + refused, "refused by the backend", refused.body());
            String connection = String.valueOf(refused.header("Connection")).toLowerCase(Locale.ROOT);
            assertFalse("the client connection is not closed after the 403: " + refused, connection.contains("close"));
            assertNull("the 403 carries no Upgrade: " + refused, refused.header("Upgrade"));

            // the same connection: a second handshake, accepted this time
            HttpResult accepted = client.exchange("GET /gate/ok HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: " + RFC_KEY,
                "Sec-WebSocket-Version: 13");
            assertEquals("the next handshake on the same connection: " + accepted, 101, accepted.status());
            assertEquals(RFC_ACCEPT, accepted.header("Sec-WebSocket-Accept"));
            client.sendFrame(0x81, "on the kept connection".getBytes(UTF_8));
            UpgradeClient.Frame echo = client.readFrame();
            assertNotNull("the echo", echo);
            assertEquals("on the kept connection", echo.text());
        }
        assertEquals("both requests reached the backend: " + backend.heads(), List.of("/refuse", "/ok"),
            backend.heads().stream().map(UpgradeBackend.Head::target).toList());
    }

    @Test
    public void withFallbackToHttpTrueAPlainGetAndAnUnallowedUpgradeAreProxiedAsHttpWithoutUpgrade()
            throws Exception {
        writeWsTunnelCfg("fallback.to.http", "true", "idle.timeout", "0");
        UpgradeBackend backend = upgradeBackend("F10", head -> head.header("Upgrade") == null
            ? UpgradeBackend.status(200, "OK", "plain " + head.target())
            : UpgradeBackend.status(400, "Bad Request", "an Upgrade reached the backend: " + head.header("Upgrade")));
        route("fb", "path", "/fb/", "url", backend.url("ws"));

        HttpResult plain = httpGet("/fb/page?q=1");
        assertEquals("a plain GET on the ws route is proxied as HTTP: " + plain, 200, plain.status());
        assertEquals("to the same host, path under the url: " + plain, "plain /page?q=1", plain.body());
        UpgradeBackend.Head first = backend.lastHead();
        assertEquals("GET /page?q=1 HTTP/1.1", first.requestLine());

        try (UpgradeClient client = client()) {
            HttpResult foo = client.exchange("GET /fb/other HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: foo/1");
            assertEquals("an Upgrade the route does not allow falls back to HTTP: " + foo, 200, foo.status());
            assertEquals("plain /other", foo.body());
        }
        UpgradeBackend.Head second = backend.lastHead();
        assertEquals("the fallback carries no Upgrade to the backend: " + second, List.of(),
            second.headers("Upgrade"));
        assertFalse("nor Connection: upgrade: " + second, tokens(second.headers("Connection")).contains("upgrade"));
        assertEquals("both requests reached the ws route's host as HTTP: " + backend.heads(), 2,
            backend.heads().size());
    }

    @Test
    public void withFallbackToHttpFalseAPlainGetGoesToTheNextRouteOr404AndNeverToTheWsBackend() throws Exception {
        writeWsTunnelCfg("fallback.to.http", "false", "idle.timeout", "0");
        UpgradeBackend ws = upgradeBackend("F11", UpgradeBackend::webSocket);
        TestBackend http = startBackend("H11");
        route("fb2", "path", "/fb2/", "url", ws.url("ws"));
        route("fb2-root", "path", "/", "url", http.url());

        HttpResult next = httpGet("/fb2/page");
        assertEquals("without an upgrade the ws route does not match; the next route (/) serves it: " + next,
            http.bodyFor("/fb2/page"), next.body());

        deleteCfg("io.passerelle.route-fb2-root.cfg");
        HttpResult none = httpGet("/fb2/page");
        assertEquals("with no other route: " + none, 404, none.status());
        assertEquals("nothing reached the ws backend: " + ws, 0, ws.accepted());

        // the ws route itself still serves upgrades
        RawWebSocket tunnel = RawWebSocket.open(listenerPort(), "/fb2/live", 0, READ_TIMEOUT_MS);
        closeAfter.add(tunnel);
        assertEquals("an upgrade on the ws route: " + tunnel.describe(), 101, tunnel.status());
        assertTrue(tunnel.acceptMatches());
        tunnel.sendText("still a tunnel");
        assertEquals("still a tunnel", tunnel.readFrame().text());
        assertEquals("only the upgrade reached the ws backend: " + ws.heads(), List.of("/live"),
            ws.heads().stream().map(UpgradeBackend.Head::target).toList());
    }

    @Test
    public void withFallbackToHttpFalseAnUpgradeTheRouteDoesNotAllowIs426NamingTheAllowedOne() throws Exception {
        writeWsTunnelCfg("fallback.to.http", "false", "idle.timeout", "0");
        UpgradeBackend backend = upgradeBackend("U12", UpgradeBackend::webSocket);
        route("u426", "path", "/u426/", "url", backend.url("ws"));
        route("u426foo", "path", "/u426foo/", "url", backend.url("ws"), "upgrade", "foo/2");

        try (UpgradeClient client = client()) {
            HttpResult foo = client.exchange("GET /u426/x HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: foo/1");
            assertEquals("Upgrade: foo/1 on a websocket route: " + foo, 426, foo.status());
            assertEquals("426 names the allowed protocol: " + foo, "websocket", foo.header("Upgrade"));
            assertTrue("and Connection names Upgrade: " + foo,
                tokens(foo.headers().getOrDefault("connection", List.of())).contains("upgrade"));

            HttpResult websocket = client.exchange("GET /u426foo/x HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: " + RFC_KEY,
                "Sec-WebSocket-Version: 13");
            assertEquals("Upgrade: websocket on an upgrade = foo/2 route: " + websocket, 426, websocket.status());
            assertEquals("426 names foo/2: " + websocket, "foo/2", websocket.header("Upgrade"));
            assertEquals("nothing reached the backend: " + backend, 0, backend.accepted());

            // the 426s kept the connection: an allowed upgrade on it goes through
            HttpResult allowed = client.exchange("GET /u426/ok HTTP/1.1", "Host: 127.0.0.1:" + listenerPort(),
                "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Key: " + RFC_KEY,
                "Sec-WebSocket-Version: 13");
            assertEquals("an allowed upgrade on the same connection: " + allowed, 101, allowed.status());
        }
        assertEquals("only the allowed upgrade reached the backend: " + backend.heads(), List.of("/ok"),
            backend.heads().stream().map(UpgradeBackend.Head::target).toList());
    }

    // ================================================================== 3. idle timeouts

    @Test
    public void theModulesIdleTimeoutClosesASilentTunnelButNotOneCarryingTraffic() throws Exception {
        writeWsTunnelCfg("fallback.to.http", "true", "idle.timeout", "1500ms");
        UpgradeBackend backend = upgradeBackend("I13", UpgradeBackend::webSocket);
        // the route's own timeout is long: what closes the tunnel is the module's idle.timeout
        route("idle", "path", "/idle/", "url", backend.url("ws"), "timeout", "60s");

        RawWebSocket tunnel = RawWebSocket.open(listenerPort(), "/idle/t", 0, READ_TIMEOUT_MS);
        closeAfter.add(tunnel);
        assertEquals(tunnel.describe(), 101, tunnel.status());
        String client = "127.0.0.1:" + tunnel.socket().getLocalPort();
        String listed = executeCommand("proxy:tunnels idle");
        assertTrue("proxy:tunnels idle lists the open tunnel of " + client + ":\n" + listed, listed.contains(client));

        // traffic every 250 ms for 3 s, twice the idle timeout: the tunnel stays open
        long start = System.nanoTime();
        for (int i = 0; i < 13; i++) {
            if (i > 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250)); // pacing, not synchronisation
            }
            tunnel.sendText("busy " + i);
            RawWebSocket.Frame echo = tunnel.readFrame();
            assertNotNull("echo " + i + " of a busy tunnel, " + millisSince(start) + " ms after it opened", echo);
            assertEquals("busy " + i, echo.text());
        }
        long busyMillis = millisSince(start);
        // the last byte of the tunnel has just arrived: silence from here
        long silentSince = System.nanoTime();
        String end = tunnel.readToEnd();
        long silentMillis = millisSince(silentSince);
        System.out.println("[WsHandshakeIT] idle.timeout = 1500ms: a busy tunnel lived " + busyMillis
            + " ms; silent, it ended (" + end + ") after " + silentMillis + " ms");
        assertTrue("the busy phase outlasted idle.timeout: " + busyMillis + " ms", busyMillis > 1_500);
        assertEquals("the proxy ended the silent tunnel in order", "EOF", end);
        assertTrue("the silent tunnel ended no sooner than idle.timeout: " + silentMillis + " ms",
            silentMillis >= 1_400);
        assertTrue("the silent tunnel ended within seconds of idle.timeout, long before the route's 60 s: "
            + silentMillis + " ms", silentMillis < 10_000);
        await("the backend to see the tunnel end", () -> backend.tunnelsEnded() == 1);
        await("proxy:tunnels idle to list it no more", () -> !executeCommand("proxy:tunnels idle").contains(client));
    }

    @Test
    public void withIdleTimeoutZeroTheRoutesTimeoutClosesASilentTunnelAndALongerOneStaysOpen() throws Exception {
        writeWsTunnelCfg("fallback.to.http", "true", "idle.timeout", "0");
        UpgradeBackend backend = upgradeBackend("T14", UpgradeBackend::webSocket);
        route("short", "path", "/short/", "url", backend.url("ws"), "timeout", "1s");
        route("long", "path", "/long/", "url", backend.url("ws"), "timeout", "30s");

        RawWebSocket longTunnel = RawWebSocket.open(listenerPort(), "/long/t", 0, READ_TIMEOUT_MS);
        closeAfter.add(longTunnel);
        RawWebSocket shortTunnel = RawWebSocket.open(listenerPort(), "/short/t", 0, READ_TIMEOUT_MS);
        closeAfter.add(shortTunnel);
        assertEquals(longTunnel.describe(), 101, longTunnel.status());
        assertEquals(shortTunnel.describe(), 101, shortTunnel.status());
        longTunnel.sendText("long");
        assertEquals("long", longTunnel.readFrame().text());
        shortTunnel.sendText("short");
        assertEquals("short", shortTunnel.readFrame().text());

        // the last byte of the short tunnel has just arrived: silence from here
        long silentSince = System.nanoTime();
        String end = shortTunnel.readToEnd();
        long silentMillis = millisSince(silentSince);
        System.out.println("[WsHandshakeIT] route timeout = 1s: the silent tunnel ended (" + end + ") after "
            + silentMillis + " ms");
        assertEquals("the proxy ended the silent tunnel in order", "EOF", end);
        assertTrue("the tunnel of the timeout = 1s route ended no sooner than 1 s: " + silentMillis + " ms",
            silentMillis >= 900);
        assertTrue("the tunnel of the timeout = 1s route ended within seconds: " + silentMillis + " ms",
            silentMillis < 10_000);
        // silent for longer than that, the tunnel of the timeout = 30s route is open
        longTunnel.sendText("still here after " + silentMillis + " ms");
        RawWebSocket.Frame echo = longTunnel.readFrame();
        assertNotNull("the timeout = 30s tunnel is still open", echo);
        assertEquals("still here after " + silentMillis + " ms", echo.text());
        String listed = executeCommand("proxy:tunnels");
        assertTrue("proxy:tunnels lists the long tunnel:\n" + listed,
            listed.contains("127.0.0.1:" + longTunnel.socket().getLocalPort()));
        assertFalse("proxy:tunnels lists the short tunnel no more:\n" + listed,
            listed.contains("127.0.0.1:" + shortTunnel.socket().getLocalPort()));
    }

    // ================================================================== 3. TLS on both sides

    @Test
    public void aListenerWithTlsKeystoreServesHttpsAndWssOnTheFrontSide() throws Exception {
        TestTls tls = TestTls.get();
        UpgradeBackend backend = upgradeBackend("L15", head -> head.header("Upgrade") == null
            ? UpgradeBackend.status(200, "OK", "plain " + head.target() + " proto=" + head.header("X-Forwarded-Proto"))
            : UpgradeBackend.webSocket(head));
        route("sech", "path", "/sech/", "url", backend.url("http"));
        route("secws", "path", "/secws/", "url", backend.url("ws"));
        writeCfg("io.passerelle.listener-itls.cfg", "port", "0", "host", "127.0.0.1",
            "tls.keystore", tls.keystore().toString(), "tls.keystore.password", TestTls.PASSWORD);
        int port = listenerPort("itls");
        await("listener itls to be listed with TLS", () -> listenerShown("itls", ":" + port, true));

        // https://
        HttpResult https = poll(TIMEOUT, () -> {
            try (UpgradeClient client = UpgradeClient.over(tlsSocket(tls.clientContext(), port))) {
                return client.exchange("GET /sech/page HTTP/1.1", "Host: 127.0.0.1:" + port, "Connection: close");
            }
        });
        assertNotNull("an https:// GET through the TLS listener within " + TIMEOUT, https);
        assertEquals("https://: " + https, 200, https.status());
        assertEquals("the backend saw X-Forwarded-Proto: https", "plain /page proto=https", https.body());

        // wss://, with the JDK's WebSocket client trusting the test certificate (and checking the host)
        Messages messages = new Messages();
        WebSocket ws = jdkWebSocket(httpClient(tls.clientContext()), "wss://127.0.0.1:" + port + "/secws/echo",
            messages);
        assertJdkEcho(ws, messages, "over wss:// on the front side");
        ws.abort();
        UpgradeBackend.Head head = backend.lastHead();
        assertEquals("the wss:// handshake reached the backend: " + head, "/echo", head.target());
        assertEquals("as https: " + head, "https", head.header("X-Forwarded-Proto"));

        // the main listener still speaks plain HTTP
        HttpResult plain = httpGet("/sech/plain");
        assertEquals("plain /plain proto=http", plain.body());
    }

    @Test
    public void wssAndHttpsBackendsAreReachedThroughTheRoutesTrustStoreWithSniAndRefusedWithoutIt()
            throws Exception {
        TestTls tls = TestTls.get();
        SSLServerSocket server = tls.serverSocket();
        UpgradeBackend backend = upgradeBackend(UpgradeBackend.on("W16", server, head -> head.header("Upgrade") == null
            ? UpgradeBackend.status(200, "OK", "plain " + head.target())
            : UpgradeBackend.webSocket(head)));
        String authority = "localhost:" + backend.port() + "/";
        route("wss-trusted", "path", "/wss-trusted/", "url", "wss://" + authority,
            "tls.truststore", tls.truststore().toString(), "tls.truststore.password", TestTls.PASSWORD);
        route("https-trusted", "path", "/https-trusted/", "url", "https://" + authority,
            "tls.truststore", tls.truststore().toString(), "tls.truststore.password", TestTls.PASSWORD);
        route("wss-untrusted", "path", "/wss-untrusted/", "url", "wss://" + authority);

        Messages messages = new Messages();
        WebSocket ws = jdkWebSocket(httpClient(null), "ws://127.0.0.1:" + listenerPort() + "/wss-trusted/echo",
            messages);
        assertJdkEcho(ws, messages, "to a wss:// backend");
        ws.abort();
        assertEquals("the handshake reached the TLS backend: " + backend.heads(), List.of("/echo"),
            backend.heads().stream().map(UpgradeBackend.Head::target).toList());
        assertEquals("SNI named the url's host", List.of("localhost"), backend.serverNames());

        HttpResult https = httpGet("/https-trusted/page");
        assertEquals("an https:// backend through the same trust store: " + https, 200, https.status());
        assertEquals("plain /page", https.body());
        assertEquals("SNI named the url's host again", List.of("localhost", "localhost"), backend.serverNames());

        RawWebSocket refused = RawWebSocket.open(listenerPort(), "/wss-untrusted/echo", 0, READ_TIMEOUT_MS);
        refused.close();
        System.out.println("[WsHandshakeIT] a wss:// backend whose certificate the JDK's trust store does not hold: "
            + refused.describe());
        assertNotEquals("no tunnel to an untrusted backend certificate: " + refused.describe(), 101,
            refused.status());
        assertEquals("a TLS handshake the proxy rejects is a bad gateway: " + refused.describe(), 502,
            refused.status());
        assertEquals("no request reached the backend through the JDK's trust store: " + backend.heads(), 2,
            backend.heads().size());
        await("the backend to see the handshake the proxy refused", () -> !backend.errors().isEmpty());
        List<String> refusedHandshakes = backend.takeErrors();
        assertEquals("the backend's one error is the refused handshake: " + refusedHandshakes, 1,
            refusedHandshakes.size());
        assertTrue(refusedHandshakes.get(0), refusedHandshakes.get(0).contains("SSLHandshakeException"));
        await("a WARN line naming the backend and the TLS failure", () -> !karafLogLines(
            l -> l.contains("| WARN ") && l.contains("TLS with backend localhost:") && l.contains("failed")).isEmpty());
        assertEquals("no ERROR stack trace from MINA's SslHandler", List.of(),
            karafLogLines(l -> l.contains("| ERROR") && l.contains("SslHandler")));
    }

    @Test
    public void aWssBackendWithTlsVerifyFalseIsReachedWithoutTrustStoreAndTheRouteIsWarnedOnce() throws Exception {
        TestTls tls = TestTls.get();
        SSLServerSocket server = tls.serverSocket();
        UpgradeBackend backend = upgradeBackend(UpgradeBackend.on("V17", server, UpgradeBackend::webSocket));
        route("wss-noverify", "path", "/wss-noverify/", "url", "wss://localhost:" + backend.port() + "/",
            "tls.verify", "false");

        for (int i = 0; i < 2; i++) {
            Messages messages = new Messages();
            WebSocket ws = jdkWebSocket(httpClient(null),
                "ws://127.0.0.1:" + listenerPort() + "/wss-noverify/echo" + i, messages);
            assertJdkEcho(ws, messages, "unverified " + i);
            ws.abort();
        }
        assertEquals("both handshakes reached the TLS backend: " + backend.heads(), 2, backend.heads().size());
        await("the WARN about wss-noverify in karaf.log",
            () -> !karafLogLines(l -> l.contains("Route wss-noverify: tls.verify = false")).isEmpty());
        List<String> warnings = karafLogLines(l -> l.contains("Route wss-noverify: tls.verify = false"));
        assertEquals("one line in karaf.log for the route, for two tunnels: " + warnings, 1, warnings.size());
        assertTrue("at WARN: " + warnings, warnings.get(0).contains("| WARN "));
    }

    // ================================================================== helpers

    private UpgradeBackend upgradeBackend(String id, Function<UpgradeBackend.Head, UpgradeBackend.Answer> responder)
            throws IOException {
        return upgradeBackend(UpgradeBackend.start(id, responder));
    }

    private UpgradeBackend upgradeBackend(UpgradeBackend backend) {
        upgradeBackends.add(backend);
        return backend;
    }

    /**
     * Writes {@code etc/io.passerelle.route-NAME.cfg} and waits until the route is in the proxy's table with
     * this url and a handler (the proxy's Routes MBean: name, url, state).
     */
    private void route(String name, String... keyValues) throws Exception {
        writeCfg("io.passerelle.route-" + name + ".cfg", keyValues);
        String url = null;
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i].equals("url")) {
                url = keyValues[i + 1];
            }
        }
        String expectedUrl = url;
        await("route " + name + " to be active with url " + url, () -> {
            for (CompositeData r : proxyAttribute("Routes")) {
                if (name.equals(r.get("name")) && expectedUrl.equals(r.get("url")) && "active".equals(r.get("state"))) {
                    return true;
                }
            }
            return false;
        });
    }

    private boolean listenerShown(String name, String addressSuffix, boolean tls) throws Exception {
        for (CompositeData l : proxyAttribute("Listeners")) {
            if (name.equals(l.get("name")) && String.valueOf(l.get("address")).endsWith(addressSuffix)
                    && Boolean.valueOf(tls).equals(l.get("tls"))) {
                return true;
            }
        }
        return false;
    }

    private static CompositeData[] proxyAttribute(String attribute) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        return (CompositeData[]) server.getAttribute(new ObjectName("io.passerelle:type=Proxy"), attribute);
    }

    private UpgradeClient client() throws IOException {
        return UpgradeClient.connect(listenerPort(), READ_TIMEOUT_MS);
    }

    /** A TLS socket to 127.0.0.1:port, the server's certificate checked against 127.0.0.1 as https does. */
    private static Socket tlsSocket(SSLContext context, int port) throws IOException {
        Socket plain = new Socket();
        try {
            plain.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            plain.close();
            throw e;
        }
    }

    /** The lower-cased comma-separated tokens of header values. */
    private static List<String> tokens(List<String> values) {
        List<String> tokens = new ArrayList<>();
        for (String value : values) {
            for (String token : value.split(",")) {
                if (!token.isBlank()) {
                    tokens.add(token.trim().toLowerCase(Locale.ROOT));
                }
            }
        }
        return tokens;
    }

    private static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    // ------------------------------------------------------------------ the JDK's WebSocket client

    private HttpClient httpClient(SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().executor(clientExecutor);
        if (tls != null) {
            builder.sslContext(tls);
        }
        return builder.build();
    }

    private WebSocket jdkWebSocket(HttpClient client, String uri, Messages listener, String... subprotocols)
            throws Exception {
        WebSocket.Builder builder = client.newWebSocketBuilder();
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        WebSocket ws = builder.buildAsync(URI.create(uri), listener).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        closeAfter.add(ws::abort);
        return ws;
    }

    private static void assertJdkEcho(WebSocket ws, Messages messages, String text) throws Exception {
        ws.sendText(text, true).get(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        Object echo = messages.received.poll(READ_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        assertEquals("the echo of '" + text + "'", text, echo);
    }

    /** Queues the text messages received (or the error), and completes {@link #closed} with the close code. */
    private static final class Messages implements WebSocket.Listener {
        final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            received.add(error);
            closed.completeExceptionally(error);
        }
    }

    // ------------------------------------------------------------------ permessage-deflate (RFC 7692)

    private static byte[] deflate(byte[] message) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(message);
        byte[] buffer = new byte[message.length + 64];
        int n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
        deflater.end();
        // RFC 7692 7.2.1: the trailing 00 00 ff ff of the sync flush is left out
        return Arrays.copyOf(buffer, n - 4);
    }

    private static String inflate(byte[] payload) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        byte[] input = Arrays.copyOf(payload, payload.length + 4);
        input[payload.length + 2] = (byte) 0xFF;
        input[payload.length + 3] = (byte) 0xFF;
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        while (!inflater.needsInput()) {
            int n = inflater.inflate(buffer);
            if (n == 0 && inflater.needsInput()) {
                break;
            }
            out.write(buffer, 0, n);
        }
        inflater.end();
        return out.toString(UTF_8);
    }

    // ------------------------------------------------------------------ etc/io.passerelle.wstunnel.cfg

    /**
     * Unless Config Admin already holds these values for {@code io.passerelle.wstunnel}, replaces
     * {@code etc/io.passerelle.wstunnel.cfg} with the given keys and values (its original content is kept and
     * put back after the test) and returns once Config Admin holds them and every configuration
     * listener (the wstunnel component among them) has been told.
     */
    private void writeWsTunnelCfg(String... keyValues) throws Exception {
        Dictionary<String, Object> held = wstunnelConfig();
        boolean asWanted = held != null;
        for (int i = 0; i < keyValues.length && asWanted; i += 2) {
            asWanted = keyValues[i + 1].equals(String.valueOf(held.get(keyValues[i])));
        }
        if (asWanted) {
            return; // already so (the distribution's file has the defaults): nothing to change or put back
        }
        Path file = karafEtc().resolve(WSTUNNEL_CFG);
        if (wstunnelOriginal == null) {
            wstunnelExisted = Files.exists(file);
            wstunnelOriginal = wstunnelExisted ? Files.readAllBytes(file) : new byte[0];
        }
        StringBuilder content = new StringBuilder("# written by WsHandshakeIT; its original is put back after the test\n");
        for (int i = 0; i < keyValues.length; i += 2) {
            content.append(keyValues[i]).append(" = ").append(keyValues[i + 1]).append('\n');
        }
        byte[] bytes = content.toString().getBytes(ISO_8859_1);
        replaceFile(file, bytes);
        awaitWsTunnelConfig(properties(bytes));
    }

    private void restoreWsTunnelCfg() throws Exception {
        if (wstunnelOriginal == null) {
            return;
        }
        Path file = karafEtc().resolve(WSTUNNEL_CFG);
        byte[] original = wstunnelOriginal;
        wstunnelOriginal = null;
        if (wstunnelExisted) {
            replaceFile(file, original);
            awaitWsTunnelConfig(properties(original));
        } else {
            Files.deleteIfExists(file);
            await("Config Admin to drop " + WSTUNNEL_PID, () -> wstunnelConfig() == null);
            awaitConfigurationEventsDelivered();
        }
    }

    /** Writes aside, then moves into place: Karaf's file watcher never reads half a file. */
    private void replaceFile(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Properties properties(byte[] cfg) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(new String(cfg, ISO_8859_1)));
        return p;
    }

    private void awaitWsTunnelConfig(Properties expected) throws Exception {
        await("Config Admin to hold " + WSTUNNEL_CFG + " as written " + expected, () -> {
            Dictionary<String, Object> held = wstunnelConfig();
            if (held == null) {
                return false;
            }
            for (String key : expected.stringPropertyNames()) {
                String value = expected.getProperty(key);
                if (!value.contains("${") && !value.equals(String.valueOf(held.get(key)))) {
                    return false;
                }
            }
            return true;
        });
        awaitConfigurationEventsDelivered();
    }

    private Dictionary<String, Object> wstunnelConfig() throws Exception {
        Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + WSTUNNEL_PID + ")");
        return found == null || found.length == 0 ? null : found[0].getProperties();
    }

    /**
     * Config Admin delivers configuration events one after another: once a listener of ours sees the update of
     * a configuration of our own (no file behind it), every listener has seen the earlier events.
     */
    private void awaitConfigurationEventsDelivered() throws Exception {
        CountDownLatch seen = new CountDownLatch(1);
        ConfigurationListener listener = event -> {
            if (BARRIER_PID.equals(event.getPid()) && event.getType() == ConfigurationEvent.CM_UPDATED) {
                seen.countDown();
            }
        };
        ServiceRegistration<ConfigurationListener> registration =
            bundleContext.registerService(ConfigurationListener.class, listener, null);
        try {
            Configuration barrier = configurationAdmin.getConfiguration(BARRIER_PID, "?");
            barrier.update(new Hashtable<>(Map.of("stamp", Long.toString(System.nanoTime()))));
            if (!seen.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("Config Admin delivered no event within " + TIMEOUT);
            }
        } finally {
            registration.unregister();
        }
    }
}
