package io.passerelle.http.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.passerelle.common.http.Reasons;

/**
 * Every rejection rule of SPEC §8 through the real front end: the status, {@code Connection: close}, the
 * connection closed, nothing of the request echoed, and nothing reaching the backend.
 */
class RejectionTest {

    private static ProxyHarness proxy;
    private static TestBackend backend;

    @BeforeAll
    static void start() throws Exception {
        proxy = new ProxyHarness(Map.of(), Map.of("header.timeout", "1s"));
        backend = new TestBackend(r -> TestBackend.ok("reached"));
        proxy.route("t", "path", "/t/", "url", backend.url());
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.close();
        backend.close();
    }

    static Stream<Arguments> rules() {
        String h = "Host: h\r\n";
        return Stream.of(
                Arguments.of("Content-Length and Transfer-Encoding", 400,
                        "POST /t/x HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("differing Content-Length", 400,
                        "POST /t/x HTTP/1.1\r\n" + h + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                Arguments.of("Transfer-Encoding gzip", 400,
                        "POST /t/x HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\n"),
                Arguments.of("Transfer-Encoding chunked then gzip", 400,
                        "POST /t/x HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked, gzip\r\n\r\n"),
                Arguments.of("malformed chunk size", 400,
                        "POST /t/x HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("whitespace before a header colon", 400,
                        "GET /t/x HTTP/1.1\r\n" + h + "X-Evil : 1\r\n\r\n"),
                Arguments.of("obsolete line folding", 400,
                        "GET /t/x HTTP/1.1\r\n" + h + "X-A: 1\r\n  folded\r\n\r\n"),
                Arguments.of("bare CR", 400,
                        "GET /t/x HTTP/1.1\r\n" + h + "X-A: 1\rX-B: 2\r\n\r\n"),
                Arguments.of("NUL in the head", 400,
                        "GET /t/x HTTP/1.1\r\n" + h + "X-A: a\u0000b\r\n\r\n"),
                Arguments.of("control character in the head", 400,
                        "GET /t/x HTTP/1.1\r\n" + h + "X-A: a\u0001b\r\n\r\n"),
                Arguments.of("invalid method token", 400,
                        "GE(T /t/x HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("absolute-form for another host", 400,
                        "GET http://elsewhere.example/t/x HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("CONNECT", 405,
                        "CONNECT elsewhere.example:443 HTTP/1.1\r\nHost: elsewhere.example:443\r\n\r\n"),
                Arguments.of("path climbing above /", 400,
                        "GET /t/../../etc/passwd HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("missing Host in HTTP/1.1", 400,
                        "GET /t/x HTTP/1.1\r\n\r\n"),
                Arguments.of("request line over 8 KiB", 414,
                        "GET /t/" + "a".repeat(8200) + " HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("head over header.max.bytes", 431,
                        "GET /t/x HTTP/1.1\r\n" + h + "X-Big: " + "b".repeat(17_000) + "\r\n\r\n"),
                Arguments.of("more than header.max.count fields", 431,
                        "GET /t/x HTTP/1.1\r\n" + h + "X-N: 1\r\n".repeat(101) + "\r\n"));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("rules")
    void ruleIsRejectedAndReachesNoBackend(String rule, int status, String request) throws Exception {
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send(request).read();
            assertEquals(status, r.status(), rule);
            assertEquals("close", r.header("Connection"), rule);
            // nothing of the request echoed: exactly the proxy's own short page, its own three fields
            assertEquals(status + " " + Reasons.of(status) + "\n", r.text(), rule);
            assertEquals(Set.of("content-type", "content-length", "connection"), r.headers().keySet(), rule);
            assertTrue(c.closedByPeer(), "connection closed after " + rule);
        }
        assertEquals(0, backend.connections.get(), rule + " reached the backend");
    }

    @Test
    void headNotCompleteWithinHeaderTimeoutIs408() throws Exception {
        try (RawClient c = new RawClient(proxy.port)) {
            RawClient.Response r = c.send("GET /t/x HTTP/1.1\r\nHost: h\r\nX-Slow: ").read();
            assertEquals(408, r.status());
            assertTrue(c.closedByPeer());
        }
        assertEquals(0, backend.connections.get());
    }
}
