package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The differential smuggling matrix (issue 10): the classic request desync families sent through the proxy to
 * a backend whose HTTP/1.1 parser is not ours but h11 (python3-h11, an independent strict implementation), and
 * hostile backend responses whose relayed bytes h11 reads as the client. Every case ends in one of two ways:
 * refused, with nothing at the backend (or, for a response, the proxy's own 502); or exactly one canonical
 * message that h11 reads the same way the proxy meant it. Needs {@code python3} with {@code h11}; {@code .ci/run}
 * installs Debian's python3-h11.
 */
class SmugglingMatrixTest {

    private static final long WAIT_MS = 10_000;
    private static Process peer;
    private static int peerPort;
    private static final BlockingQueue<String> peerLines = new LinkedBlockingQueue<>();
    private static final AtomicInteger barriers = new AtomicInteger();
    private static String python;
    private static Path script;

    private ProxyHarness proxy;

    /** What a case must end in. */
    record Expect(int refusedWith, String method, String target, String body) {
        static Expect refused(int status) {
            return new Expect(status, null, null, null);
        }

        static Expect one(String method, String target, String body) {
            return new Expect(0, method, target, body);
        }
    }

    record Case(String name, String request, Expect expect) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void startPeer() throws Exception {
        script = Files.createTempFile("h11_peer", ".py");
        try (InputStream in = SmugglingMatrixTest.class.getResourceAsStream("/smuggling/h11_peer.py")) {
            Files.write(script, in.readAllBytes());
        }
        python = findPythonWithH11();
        peer = new ProcessBuilder(python, script.toString(), "server").redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(peer.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        if (first == null || !first.startsWith("PORT ")) {
            throw new IllegalStateException("the h11 peer did not start: " + first);
        }
        peerPort = Integer.parseInt(first.substring(5).trim());
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    peerLines.add(line);
                }
            } catch (IOException e) {
                // the peer ended
            }
        }, "h11-peer-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Debian's python3 (where python3-h11 lives) first, then whatever python3 is on the PATH. */
    private static String findPythonWithH11() throws Exception {
        for (String candidate : new String[] {"/usr/bin/python3", "python3"}) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import h11").redirectErrorStream(true).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not there
            }
        }
        throw new IllegalStateException("no python3 with h11 (Debian: apt-get install python3-h11; .ci/run does)");
    }

    @AfterAll
    static void stopPeer() throws IOException {
        if (peer != null) {
            peer.destroyForcibly();
        }
        Files.deleteIfExists(script);
    }

    @BeforeEach
    void start() throws Exception {
        proxy = new ProxyHarness();
        proxy.route("s", "path", "/s/", "url", "http://127.0.0.1:" + peerPort + "/");
        drain();
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
    }

    // ------------------------------------------------------------------ requests

    static Stream<Case> requestCases() {
        String h = "Host: h\r\n";
        return Stream.of(
                // the reference: a plain request and a chunked one arrive as one canonical request each
                new Case("plain GET", "GET /s/a HTTP/1.1\r\n" + h + "\r\n", Expect.one("GET", "/a", "")),
                new Case("chunked POST", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\n0\r\n\r\n", Expect.one("POST", "/a", "hello")),
                // CL.TE and TE.CL
                new Case("CL.TE", "POST /s/a HTTP/1.1\r\n" + h + "Content-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\nSMUGGLED", Expect.refused(400)),
                new Case("TE.CL", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                        + "8\r\nSMUGGLED\r\n0\r\n\r\n", Expect.refused(400)),
                // TE.TE obfuscations
                new Case("TE xchunked", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
                        Expect.refused(400)),
                new Case("TE chunked, identity", "POST /s/a HTTP/1.1\r\n" + h
                        + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", Expect.refused(400)),
                new Case("TE space before colon", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding : chunked\r\n\r\n"
                        + "0\r\n\r\n", Expect.refused(400)),
                new Case("TE twice", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", Expect.refused(400)),
                new Case("TE with a second, bogus field", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n"
                        + "Transfer-encoding: cow\r\n\r\n0\r\n\r\n", Expect.refused(400)),
                new Case("TE in upper case", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: CHUNKED\r\n\r\n"
                        + "3\r\nabc\r\n0\r\n\r\n", Expect.one("POST", "/a", "abc")),
                new Case("TE after a tab", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding:\tchunked\r\n\r\n"
                        + "3\r\nabc\r\n0\r\n\r\n", Expect.one("POST", "/a", "abc")),
                new Case("TE with a vertical tab", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: \u000bchunked\r\n\r\n"
                        + "0\r\n\r\n", Expect.refused(400)),
                // duplicate and conflicting lengths
                new Case("CL twice, differing", "POST /s/a HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 8\r\n\r\n"
                        + "abcSMUGGLED", Expect.refused(400)),
                new Case("CL list, differing", "POST /s/a HTTP/1.1\r\n" + h + "Content-Length: 3, 8\r\n\r\nabcSMUGGLED",
                        Expect.refused(400)),
                new Case("CL twice, equal", "POST /s/a HTTP/1.1\r\n" + h + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc",
                        Expect.one("POST", "/a", "abc")),
                new Case("CL with a sign", "POST /s/a HTTP/1.1\r\n" + h + "Content-Length: +3\r\n\r\nabc", Expect.refused(400)),
                new Case("CL in hex", "POST /s/a HTTP/1.1\r\n" + h + "Content-Length: 0x3\r\n\r\nabc", Expect.refused(400)),
                new Case("CL huge", "POST /s/a HTTP/1.1\r\n" + h + "Content-Length: 99999999999999999999\r\n\r\n",
                        Expect.refused(400)),
                // chunk-size and chunk-extension tricks
                new Case("chunk size with leading zeros", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "0003\r\nabc\r\n0\r\n\r\n", Expect.one("POST", "/a", "abc")),
                new Case("chunk extension with quotes", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "3;name=\"a;b\"\r\nabc\r\n0\r\n\r\n", Expect.one("POST", "/a", "abc")),
                new Case("oversized chunk size", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "fffffffffffffffff\r\nabc\r\n0\r\n\r\n", Expect.refused(400)),
                new Case("negative chunk size", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "-3\r\nabc\r\n0\r\n\r\n", Expect.refused(400)),
                new Case("chunk size with a space inside", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "1 2\r\nabc\r\n0\r\n\r\n", Expect.refused(400)),
                new Case("chunk data longer than its size", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "3\r\nabcdef\r\n0\r\n\r\n", Expect.refused(400)),
                new Case("chunk size line ended by a bare CR", "POST /s/a HTTP/1.1\r\n" + h
                        + "Transfer-Encoding: chunked\r\n\r\n3\rabc\r\n0\r\n\r\n", Expect.refused(400)),
                // obs-fold, bare CR and LF, NUL
                new Case("obs-fold", "GET /s/a HTTP/1.1\r\n" + h + "X-A: a\r\n b\r\n\r\n", Expect.refused(400)),
                new Case("bare CR in a field", "GET /s/a HTTP/1.1\r\n" + h + "X-A: a\rTransfer-Encoding: chunked\r\n\r\n",
                        Expect.refused(400)),
                new Case("bare LF line ends", "GET /s/a HTTP/1.1\n" + h.replace("\r\n", "\n") + "X-A: a\n\n",
                        Expect.one("GET", "/a", "")),
                new Case("NUL in a field", "GET /s/a HTTP/1.1\r\n" + h + "X-A: a\u0000b\r\n\r\n", Expect.refused(400)),
                new Case("NUL in the target", "GET /s/a\u0000b HTTP/1.1\r\n" + h + "\r\n", Expect.refused(400)),
                new Case("space in a field name", "GET /s/a HTTP/1.1\r\n" + h + "Content Length: 3\r\n\r\nabc",
                        Expect.refused(400)),
                // HTTP/1.0 with Transfer-Encoding, several Host fields, absolute-form for another host
                new Case("HTTP/1.0 with TE", "POST /s/a HTTP/1.0\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n", Expect.refused(400)),
                new Case("Host twice", "GET /s/a HTTP/1.1\r\nHost: h\r\nHost: evil\r\n\r\n", Expect.refused(400)),
                new Case("absolute form for another host", "GET http://evil/s/a HTTP/1.1\r\n" + h + "\r\n",
                        Expect.refused(400)),
                new Case("two spaces in the request line", "GET  /s/a HTTP/1.1\r\n" + h + "\r\n", Expect.refused(400)),
                // a request pipelined after a rejected one never reaches the backend
                new Case("pipelined after a rejected one", "POST /s/a HTTP/1.1\r\n" + h
                        + "Content-Length: 1\r\nContent-Length: 2\r\n\r\nGET /s/b HTTP/1.1\r\n" + h + "\r\n",
                        Expect.refused(400)),
                new Case("pipelined after a bad chunk", "POST /s/a HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n"
                        + "zz\r\nGET /s/b HTTP/1.1\r\n" + h + "\r\n", Expect.refused(400)),
                // encoded CR/LF in the path
                new Case("encoded CR LF in the path", "GET /s/a%0d%0aX:%20y HTTP/1.1\r\n" + h + "\r\n", Expect.refused(400)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestCases")
    void aHostileRequestIsRefusedOrArrivesAsOneCanonicalRequest(Case c) throws Exception {
        int status;
        try (RawClient client = new RawClient(proxy.port)) {
            client.socket.setSoTimeout((int) WAIT_MS);
            client.send(c.request());
            status = client.read().status();
        }
        List<String> seen = backendLinesSoFar();
        if (c.expect().refusedWith() != 0) {
            assertEquals(c.expect().refusedWith(), status, c.name());
            assertEquals(List.of(), seen, c.name() + ": nothing may reach the backend");
        } else {
            assertEquals(200, status, c.name());
            String body = c.expect().body().isEmpty() ? "-"
                    : HexFormat.of().formatHex(c.expect().body().getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(1, seen.size(), c.name() + ": exactly one request at the backend: " + seen);
            String[] words = seen.get(0).split(" ");
            assertEquals("REQUEST", words[0], c.name() + ": h11 read " + seen.get(0));
            assertEquals(c.expect().method(), words[1], c.name());
            assertEquals(c.expect().target(), words[2], c.name());
            assertEquals(body, words[3], c.name());
        }
    }

    /** Every line the peer printed for what was sent before now (a barrier request marks the end). */
    private static List<String> backendLinesSoFar() throws Exception {
        int n = barriers.incrementAndGet();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), peerPort)) {
            s.getOutputStream().write(("GET /__barrier/" + n + " HTTP/1.1\r\nHost: b\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getInputStream().readAllBytes();
        }
        List<String> lines = new ArrayList<>();
        long deadline = System.nanoTime() + WAIT_MS * 1_000_000L;
        while (true) {
            String line = peerLines.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000L), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("the h11 peer printed no barrier " + n + "; so far: " + lines);
            }
            if (line.equals("BARRIER " + n)) {
                return lines;
            }
            lines.add(line);
        }
    }

    private static void drain() throws Exception {
        backendLinesSoFar();
    }

    // ------------------------------------------------------------------ responses

    /** A response case: what a hostile backend answers, and what the client must end up with. */
    record ResponseCase(String name, String answer, int status, String body) {
        static final int TRUNCATED = -1;

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<ResponseCase> responseCases() {
        return Stream.of(
                new ResponseCase("plain", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok"),
                new ResponseCase("CL and TE: TE wins, CL dropped", "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", 200, "ok"),
                new ResponseCase("CL twice, differing", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!",
                        502, null),
                new ResponseCase("CL in hex", "HTTP/1.1 200 OK\r\nContent-Length: 0x2\r\n\r\nok", 502, null),
                new ResponseCase("CL twice, equal", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
                        200, "ok"),
                new ResponseCase("obs-fold", "HTTP/1.1 200 OK\r\nX: a\r\n b\r\nContent-Length: 2\r\n\r\nok", 502, null),
                new ResponseCase("bare CR", "HTTP/1.1 200 OK\r\nX: a\rContent-Length: 2\r\n\r\nok", 502, null),
                new ResponseCase("NUL in a field", "HTTP/1.1 200 OK\r\nX: a\u0000\r\nContent-Length: 2\r\n\r\nok", 502, null),
                new ResponseCase("a second response smuggled after the body", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"
                        + "okHTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nSMUGGLED", 200, "ok"),
                new ResponseCase("interim 100 then 200", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n"
                        + "Content-Length: 2\r\n\r\nok", 200, "ok"),
                new ResponseCase("TE not chunked: read until close", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nok",
                        200, "ok"),
                new ResponseCase("bad chunk size after the head", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "zz\r\nok\r\n0\r\n\r\n", ResponseCase.TRUNCATED, null),
                new ResponseCase("garbage status line", "HTTP/1.1 20 OK\r\n\r\n", 502, null),
                new ResponseCase("no status line at all", "SMUGGLED\r\n\r\n", 502, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("responseCases")
    void aHostileResponseIsRefusedOrRelayedAsOneCanonicalResponse(ResponseCase c) throws Exception {
        try (ServerSocket hostile = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread answer = new Thread(() -> {
                try (Socket s = hostile.accept()) {
                    InputStream in = s.getInputStream();
                    readHead(in);
                    OutputStream out = s.getOutputStream();
                    out.write(c.answer().getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // the proxy went away first
                }
            }, "hostile-backend");
            answer.setDaemon(true);
            answer.start();
            proxy.route("r", "path", "/r/", "url", "http://127.0.0.1:" + hostile.getLocalPort() + "/");
            byte[] relayed;
            try (RawClient client = new RawClient(proxy.port)) {
                client.socket.setSoTimeout((int) WAIT_MS);
                client.send("GET /r/x HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
                relayed = client.socket.getInputStream().readAllBytes();
            }
            List<String> read = h11ReadsResponse(relayed);
            String text = new String(relayed, StandardCharsets.ISO_8859_1);
            if (c.status() == ResponseCase.TRUNCATED) {
                assertTrue(read.stream().noneMatch(l -> l.startsWith("RESPONSE")),
                        c.name() + ": the client sees no complete response: " + read + "\n" + text);
                return;
            }
            assertEquals(1, read.size(), c.name() + ": one response: " + read + "\n" + text);
            String[] words = read.get(0).split(" ");
            assertEquals("RESPONSE", words[0], c.name() + ": h11 read " + read.get(0) + "\n" + text);
            assertEquals(c.status(), Integer.parseInt(words[1]), c.name() + "\n" + text);
            if (c.body() != null) {
                assertEquals(HexFormat.of().formatHex(c.body().getBytes(StandardCharsets.ISO_8859_1)), words[2], c.name());
            }
            assertTrue(!text.contains("SMUGGLED"), c.name() + ": nothing of the hostile extra reaches the client");
        }
    }

    /** Reads up to the blank line that ends a request head. */
    private static void readHead(InputStream in) throws IOException {
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            last4 = (last4 << 8) | b;
            if (last4 == 0x0d0a0d0a || (last4 & 0xffff) == 0x0a0a) {
                return;
            }
        }
    }

    private static List<String> h11ReadsResponse(byte[] bytes) throws Exception {
        Process p = new ProcessBuilder(python, script.toString(), "response").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(bytes);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("h11 did not answer");
        }
        return out.isBlank() ? List.of() : List.of(out.strip().split("\n"));
    }
}
