package io.passerelle.core.internal.http;

import static io.passerelle.core.internal.http.Feeding.assertDone;
import static io.passerelle.core.internal.http.Feeding.assertStatus;
import static io.passerelle.core.internal.http.RequestHeadParserTest.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.passerelle.api.HttpFields.Field;
import io.passerelle.api.RequestHead;
import io.passerelle.core.internal.http.Feeding.Outcome;
import io.passerelle.core.internal.http.Feeding.Subject;

/** The semantic rules of SPEC §8 (framing, Host, forward-proxy refusal, path normalisation) on a parsed head. */
class FrontRequestTest {

    record Front(String method, String target, String path, String query, String version, List<Field> fields,
            long bodyLength, boolean keepAlive, boolean expectContinue) {
    }

    static Outcome<Front> front(String input) {
        return Feeding.eachWay(input, () -> new Subject<>() {
            final RequestHeadParser parser = new RequestHeadParser(16384, 100);

            @Override
            public boolean feed(ByteBuffer in) throws HttpParseException {
                return parser.parse(in);
            }

            @Override
            public Front result() throws HttpParseException {
                FrontRequest r = FrontRequest.of(parser);
                RequestHead h = r.head();
                return new Front(h.method(), h.target(), h.path(), h.query(), h.version(), Feeding.fields(h.headers()),
                        r.bodyLength(), r.keepAlive(), r.expectContinue());
            }
        });
    }

    /** A GET of {@code target} with Host {@code h} and the given extra fields. */
    private static Outcome<Front> get(String target, String... fields) {
        String[] lines = new String[fields.length + 2];
        lines[0] = "GET " + target + " HTTP/1.1";
        lines[1] = "Host: h";
        System.arraycopy(fields, 0, lines, 2, fields.length);
        return front(head(lines));
    }

    private static String path(String target) {
        return assertDone(get(target)).path();
    }

    @Test
    void simpleGetHasNoBodyAndKeepsItsFields() {
        Outcome<Front> o = front(head("GET /a?x=1&y HTTP/1.1", "Host: front.example", "Accept: */*", "accept: text/html"));
        Front f = assertDone(o);
        assertEquals(new Front("GET", "/a?x=1&y", "/a", "x=1&y", "HTTP/1.1",
                List.of(new Field("Host", "front.example"), new Field("Accept", "*/*"), new Field("accept", "text/html")),
                0, true, false), f);
    }

    @Test
    void contentLengthGivesTheBodyLength() {
        assertEquals(42, assertDone(front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 42"))).bodyLength());
        assertEquals(0, assertDone(front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 0"))).bodyLength());
    }

    @Test
    void chunkedTransferEncodingGivesBodyLengthMinusOne() {
        assertEquals(-1, assertDone(front(head("POST /p HTTP/1.1", "Host: h", "Transfer-Encoding: chunked"))).bodyLength());
        assertEquals(-1, assertDone(front(head("POST /p HTTP/1.1", "Host: h", "transfer-encoding: Chunked"))).bodyLength());
    }

    @Test
    void contentLengthAndTransferEncodingIs400() {
        assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 5", "Transfer-Encoding: chunked")));
        assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Transfer-Encoding: chunked", "Content-Length: 5")));
        assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Transfer-Encoding: chunked", "content-length: 0")));
    }

    @Test
    void differingContentLengthsIs400() {
        assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 5", "Content-Length: 6")));
        assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 5, 6")));
        assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 5", "content-length: 0")));
    }

    @Test
    void identicalRepeatedContentLengthIsAccepted() {
        assertEquals(5, assertDone(front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 5", "Content-Length: 5")))
                .bodyLength());
        assertEquals(5, assertDone(front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 5, 5"))).bodyLength());
    }

    @Test
    void malformedContentLengthIs400() {
        for (String v : new String[] {"-1", "+5", "abc", "5a", "0x10", "1 2", "5,", "1234567890123456789"}) {
            assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: " + v)));
        }
        assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Content-Length:")));
    }

    @Test
    void transferEncodingOtherThanChunkedIs400() {
        for (String te : new String[] {"gzip", "gzip, chunked", "chunked, gzip", "identity", "chunked, chunked",
            "chunkedx", ""}) {
            assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Transfer-Encoding: " + te)));
        }
        assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Transfer-Encoding: gzip",
                "Transfer-Encoding: chunked")));
        assertStatus(400, front(head("POST /p HTTP/1.1", "Host: h", "Transfer-Encoding: chunked",
                "Transfer-Encoding: chunked")));
    }

    @Test
    void transferEncodingInHttp10Is400() {
        assertStatus(400, front(head("POST /p HTTP/1.0", "Transfer-Encoding: chunked")));
    }

    @Test
    void connectIs405() {
        assertStatus(405, front(head("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443")));
        assertStatus(405, front(head("CONNECT example.com:443 HTTP/1.0")));
    }

    @Test
    void absoluteFormForOtherHostIs400() {
        assertStatus(400, front(head("GET http://evil.example/ HTTP/1.1", "Host: front.example")));
        assertStatus(400, front(head("GET https://evil.example/admin HTTP/1.1", "Host: front.example")));
        assertStatus(400, front(head("GET http://front.example:8081/ HTTP/1.1", "Host: front.example:8080")));
        assertStatus(400, front(head("GET http://front.example@evil.example/ HTTP/1.1", "Host: front.example")));
        assertStatus(400, front(head("GET http:///x HTTP/1.1", "Host: front.example")));
        assertStatus(400, front(head("GET ftp://front.example/ HTTP/1.1", "Host: front.example")));
        assertStatus(400, front(head("GET front.example:80 HTTP/1.1", "Host: front.example")));
    }

    @Test
    void absoluteFormForSameHostIsAccepted() {
        Front f = assertDone(front(head("GET http://front.example/a/../b?q=1 HTTP/1.1", "Host: front.example")));
        assertEquals("/b", f.path());
        assertEquals("q=1", f.query());
        assertEquals("http://front.example/a/../b?q=1", f.target());

        Front upper = assertDone(front(head("GET HTTP://Front.Example:8080/x HTTP/1.1", "Host: front.example:8080")));
        assertEquals("/x", upper.path());

        Front noPath = assertDone(front(head("GET http://front.example HTTP/1.1", "Host: front.example")));
        assertEquals("/", noPath.path());
        assertNull(noPath.query());

        Front queryOnly = assertDone(front(head("GET https://front.example?a=b HTTP/1.1", "Host: front.example")));
        assertEquals("/", queryOnly.path());
        assertEquals("a=b", queryOnly.query());
    }

    @Test
    void absoluteFormWithoutHostInHttp10TakesItsHostFromTheTarget() {
        Front f = assertDone(front(head("GET http://front.example/x HTTP/1.0")));
        assertEquals("/x", f.path());
        assertEquals(List.of("front.example"),
                f.fields().stream().filter(x -> x.name().equalsIgnoreCase("Host")).map(Field::value).toList());
    }

    @Test
    void missingHostInHttp11Is400() {
        assertStatus(400, front(head("GET / HTTP/1.1")));
        assertStatus(400, front(head("GET / HTTP/1.1", "X-Host: h")));
        assertStatus(400, front(head("GET http://front.example/ HTTP/1.1")));
        assertEquals("/", assertDone(front(head("GET / HTTP/1.0"))).path());
    }

    @Test
    void twoHostFieldsIs400() {
        assertStatus(400, front(head("GET / HTTP/1.1", "Host: a", "Host: b")));
        assertStatus(400, front(head("GET / HTTP/1.1", "Host: a", "host: a")));
        assertStatus(400, front(head("GET / HTTP/1.0", "Host: a", "Host: a")));
    }

    @Test
    void invalidHostIs400() {
        assertStatus(400, front(head("GET / HTTP/1.1", "Host:")));
        assertStatus(400, front(head("GET / HTTP/1.1", "Host: a b")));
        assertStatus(400, front(head("GET / HTTP/1.1", "Host: a/b")));
        assertStatus(400, front(head("GET / HTTP/1.1", "Host: <script>")));
        assertDone(front(head("GET / HTTP/1.1", "Host: [::1]:8080")));
    }

    @Test
    void pathClimbingAboveRootIs400() {
        for (String target : new String[] {"/..", "/../x", "/a/../../b", "/%2e%2e/x", "/a/%2E%2E/%2e%2e/b", "/.%2e/x",
            "/ws2/../../admin", "/./../x"}) {
            assertStatus(400, get(target));
        }
    }

    @Test
    void dotSegmentsAreResolved() {
        assertEquals("/admin", path("/ws2/../admin"));
        assertEquals("/admin", path("/ws2/%2e%2e/admin"));
        assertEquals("/admin", path("/ws2/%2E%2E/admin"));
        assertEquals("/admin", path("/ws2/.%2e/admin"));
        assertEquals("/a/b/c", path("/a/./b//c"));
        assertEquals("/a/b/c", path("/a/%2e/b/c"));
        assertEquals("/a/", path("/a/b/.."));
        assertEquals("/a/", path("/a/."));
        assertEquals("/", path("/a/.."));
        assertEquals("/", path("/."));
        assertEquals("/", path("//"));
        assertEquals("/ws2/", path("/ws2/"));
        assertEquals("/x/", path("/x/y/../"));
    }

    @Test
    void queryIsNeitherDecodedNorNormalised() {
        Front f = assertDone(get("/a/../b?next=/x/../../%2e%2e&y=%41"));
        assertEquals("/b", f.path());
        assertEquals("next=/x/../../%2e%2e&y=%41", f.query());
    }

    @Test
    void encodedSlashIsNotASeparatorAndIsKeptAsItCame() {
        // kept as sent (case too): encoded.slashes = keep forwards it as it came (SPEC 4.2, httpd's NoDecode)
        assertEquals("/a%2fb", path("/a%2fb"));
        assertEquals("/ws2%2f..%2fadmin", path("/ws2%2f..%2fadmin"));
        assertEquals("/ws2/..%2Fadmin", path("/ws2/..%2Fadmin"));
        assertEquals("/ws2/%2F", path("/ws2/%2F"));
        assertEquals("/a%5cb/%5C", path("/a%5cb/%5C"));
        assertTrue(PathNormalizer.hasEncodedSlash("/ws2/..%2fadmin"));
        assertTrue(PathNormalizer.hasEncodedSlash("/a%5Cb"));
        assertFalse(PathNormalizer.hasEncodedSlash("/a%25%2Eb/%2"));
    }

    @Test
    void unreservedEscapesAreDecodedAndOthersKeptUpperCased() {
        assertEquals("/~user/A-z_0.9", path("/%7euser/%41%2d%7a%5f%30%2E%39"));
        assertEquals("/a%20b%3F%25%01", path("/a%20b%3f%25%01"));
    }

    @Test
    void crLfAndNulInThePathAre400EvenPercentEncoded() {
        // SPEC 8: no CR, LF or NUL reaches a backend (httpd refuses %00 as well)
        for (String target : new String[] {"/a%0d%0aX:%20y", "/a%0Ab", "/a%00", "/x/%0D"}) {
            assertStatus(400, get(target));
        }
        assertEquals("a=%0d%0a", assertDone(get("/q?a=%0d%0a")).query(), "a query keeps them: form data");
    }

    @Test
    void invalidPercentEncodingIs400() {
        for (String target : new String[] {"/a%", "/a%2", "/a%zz", "/a%g1", "/%%41", "/a%2/b", "/%"}) {
            assertStatus(400, get(target));
        }
    }

    @Test
    void fragmentInThePathIs400() {
        assertStatus(400, get("/a#frag"));
    }

    @Test
    void keepAliveRules() {
        assertTrue(assertDone(front(head("GET / HTTP/1.1", "Host: h"))).keepAlive(), "1.1 default on");
        assertFalse(assertDone(front(head("GET / HTTP/1.1", "Host: h", "Connection: close"))).keepAlive(),
                "1.1 with Connection: close");
        assertFalse(assertDone(front(head("GET / HTTP/1.1", "Host: h", "Connection: keep-alive, Close"))).keepAlive(),
                "close anywhere in the list");
        assertFalse(assertDone(front(head("GET / HTTP/1.1", "Host: h", "Connection: upgrade", "connection: close")))
                .keepAlive(), "close in a second Connection field");
        assertFalse(assertDone(front(head("GET / HTTP/1.0"))).keepAlive(), "1.0 default off");
        assertTrue(assertDone(front(head("GET / HTTP/1.0", "Connection: Keep-Alive"))).keepAlive(), "1.0 keep-alive");
    }

    @Test
    void expectContinue() {
        assertTrue(assertDone(front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 5", "Expect: 100-continue")))
                .expectContinue());
        assertTrue(assertDone(front(head("POST /p HTTP/1.1", "Host: h", "Transfer-Encoding: chunked",
                "Expect: 100-Continue"))).expectContinue());
        assertFalse(assertDone(front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 5"))).expectContinue(),
                "no Expect field");
        assertFalse(assertDone(front(head("GET / HTTP/1.1", "Host: h", "Expect: 100-continue"))).expectContinue(),
                "nothing to wait for without a body");
        assertFalse(assertDone(front(head("POST /p HTTP/1.0", "Content-Length: 5", "Expect: 100-continue")))
                .expectContinue(), "an HTTP/1.0 client is never sent 100");
        assertStatus(417, front(head("POST /p HTTP/1.1", "Host: h", "Content-Length: 5", "Expect: teapot")));
    }
}
