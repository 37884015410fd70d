package io.passerelle.core.internal.http;

import static io.passerelle.core.internal.http.Feeding.assertDone;
import static io.passerelle.core.internal.http.Feeding.assertStatus;
import static io.passerelle.core.internal.http.Feeding.repeat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.passerelle.api.HttpFields.Field;
import io.passerelle.core.internal.http.Feeding.Outcome;
import io.passerelle.core.internal.http.Feeding.Subject;

/** The syntactic rules of SPEC §8 for a request head, each checked fed whole, byte by byte and in random splits. */
class RequestHeadParserTest {

    private static final int MAX_BYTES = 16384;
    private static final int MAX_COUNT = 100;

    record Head(String method, String target, String version, List<Field> fields) {
    }

    static Outcome<Head> parse(String input) {
        return parse(input, MAX_BYTES, MAX_COUNT);
    }

    static Outcome<Head> parse(String input, int maxBytes, int maxCount) {
        return Feeding.eachWay(input, () -> new Subject<>() {
            final RequestHeadParser parser = new RequestHeadParser(maxBytes, maxCount);

            @Override
            public boolean feed(ByteBuffer in) throws HttpParseException {
                return parser.parse(in);
            }

            @Override
            public Head result() {
                return new Head(parser.method(), parser.target(), parser.version(), Feeding.fields(parser.fields()));
            }
        });
    }

    /** The lines joined with CRLF, followed by the empty line that ends the head. */
    static String head(String... lines) {
        return String.join("\r\n", lines) + "\r\n\r\n";
    }

    @Test
    void validHeadGivesMethodTargetVersionAndFieldsInOrderWithRepeatsAndCase() {
        Outcome<Head> o = parse(head("GET /a/b?x=1 HTTP/1.1", "Host: front.example", "X-Tag: one",
                "x-tag:two", "Cookie:  a=1;  b=2  \t", "X-Empty:"));
        Head h = assertDone(o);
        assertEquals("GET", h.method());
        assertEquals("/a/b?x=1", h.target());
        assertEquals("HTTP/1.1", h.version());
        assertEquals(List.of(new Field("Host", "front.example"), new Field("X-Tag", "one"), new Field("x-tag", "two"),
                new Field("Cookie", "a=1;  b=2"), new Field("X-Empty", "")), h.fields());
        assertEquals("", o.rest());
    }

    @Test
    void headIsIncompleteUntilTheEmptyLine() {
        Outcome<Head> o = parse("GET / HTTP/1.1\r\nHost: h\r\n");
        assertEquals(Outcome.INCOMPLETE, o.status());
    }

    @Test
    void startedTellsAnIdleConnectionFromAStartedHead() throws HttpParseException {
        RequestHeadParser parser = new RequestHeadParser(MAX_BYTES, MAX_COUNT);
        assertFalse(parser.started());
        assertFalse(parser.parse(ByteBuffer.wrap(Feeding.bytes("G"))));
        assertTrue(parser.started());
        parser.reset();
        assertFalse(parser.started());
    }

    @Test
    void requestLineOver8KiBIs414() {
        String prefix = "GET /";
        String suffix = " HTTP/1.1";
        int fill = RequestHeadParser.MAX_REQUEST_LINE - prefix.length() - suffix.length();
        String atLimit = prefix + repeat('a', fill) + suffix;
        assertEquals(8192, atLimit.length());
        assertDone(parse(head(atLimit, "Host: h")));

        String over = prefix + repeat('a', fill + 1) + suffix;
        assertStatus(414, parse(head(over, "Host: h")));
        // the line alone decides: no end of line is needed to refuse it
        assertStatus(414, parse("GET /" + repeat('a', 9000)));
    }

    @Test
    void headOverMaxBytesIs431() {
        int max = 1024;
        String prefix = "GET / HTTP/1.1\r\nHost: h\r\nX-Pad: ";
        String suffix = "\r\n\r\n";
        String atLimit = prefix + repeat('p', max - prefix.length() - suffix.length()) + suffix;
        assertEquals(max, atLimit.length());
        assertDone(parse(atLimit, max, MAX_COUNT));

        String over = prefix + repeat('p', max - prefix.length() - suffix.length() + 1) + suffix;
        assertStatus(431, parse(over, max, MAX_COUNT));
        // many short fields add up too
        StringBuilder many = new StringBuilder("GET / HTTP/1.1\r\nHost: h\r\n");
        for (int i = 0; i < 60; i++) {
            many.append("X-F").append(i).append(": 0123456789\r\n");
        }
        assertStatus(431, parse(many.append("\r\n").toString(), max, MAX_COUNT));
    }

    @Test
    void headWithin8KiBLineButOverMaxBytesIs431Not414() {
        String line = "GET /" + repeat('a', 8000) + " HTTP/1.1";
        String headers = "Host: h\r\nX-Pad: " + repeat('p', 9000);
        assertStatus(431, parse(head(line, headers)));
    }

    @Test
    void tooManyHeadersIs431() {
        int max = 10;
        List<String> lines = new ArrayList<>(List.of("GET / HTTP/1.1", "Host: h"));
        for (int i = 1; i < max; i++) {
            lines.add("X-F" + i + ": v");
        }
        assertEquals(max, assertDone(parse(head(lines.toArray(String[]::new)), MAX_BYTES, max)).fields().size());

        lines.add("X-One-Too-Many: v");
        assertStatus(431, parse(head(lines.toArray(String[]::new)), MAX_BYTES, max));
    }

    @Test
    void whitespaceBeforeColonIs400() {
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host : h")));
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "Content-Length\t: 5")));
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "Transfer-Encoding : chunked")));
    }

    @Test
    void obsoleteLineFoldingIs400() {
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "X-Long: part one", " part two")));
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "X-Long: part one", "\tpart two")));
        assertStatus(400, parse(head("GET / HTTP/1.1", " Host: h")));
    }

    @Test
    void bareCrIs400() {
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "X-A: a\rb")));
        assertStatus(400, parse(head("GET /\r HTTP/1.1", "Host: h")));
        assertStatus(400, parse("GET / HTTP/1.1\r\nHost: h\r\r\n\r\n"));
        assertStatus(400, parse("GET / HTTP/1.1\r\nHost: h\r\n\rX"));
    }

    @Test
    void nulInHeadIs400() {
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "X-A: a\0b")));
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "X-\0A: v")));
        assertStatus(400, parse(head("GET /a\0b HTTP/1.1", "Host: h")));
        assertStatus(400, parse(head("GE\0T / HTTP/1.1", "Host: h")));
        assertStatus(400, parse(head("GET / HTTP/1.1\0", "Host: h")));
    }

    @Test
    void controlCharacterInHeaderValueIs400() {
        for (char c : new char[] {0x01, 0x08, 0x0b, 0x0c, 0x1b, 0x1f, 0x7f}) {
            assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "X-A: a" + c + "b")));
        }
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "X-A: a\nb: c\u0007")));
    }

    @Test
    void tabAndObsTextInHeaderValueAreAccepted() {
        Head h = assertDone(parse(head("GET / HTTP/1.1", "Host: h", "X-A: a\tb", "X-B: caf\u00e9")));
        assertEquals(List.of(new Field("Host", "h"), new Field("X-A", "a\tb"), new Field("X-B", "caf\u00e9")),
                h.fields());
    }

    @Test
    void controlCharacterInTargetIs400() {
        assertStatus(400, parse(head("GET /a\u0001b HTTP/1.1", "Host: h")));
        assertStatus(400, parse(head("GET /a\u007fb HTTP/1.1", "Host: h")));
        assertStatus(400, parse(head("GET /caf\u00e9 HTTP/1.1", "Host: h")));
    }

    @Test
    void invalidMethodTokenIs400() {
        for (String method : new String[] {"G(T", "GET@", "\"GET\"", "GE/T", "G{T}", "G\u00c9T"}) {
            assertStatus(400, parse(head(method + " / HTTP/1.1", "Host: h")));
        }
        assertStatus(400, parse(head(" GET / HTTP/1.1", "Host: h")));
        assertStatus(400, parse(head("GET  / HTTP/1.1", "Host: h")));
        assertStatus(400, parse(head("GET\t/ HTTP/1.1", "Host: h")));
        assertStatus(400, parse(head("GET / HTTP/1.1 ", "Host: h")));
        assertStatus(400, parse(head("GET /", "Host: h")));
        // a token is a token, whatever its case or punctuation
        assertEquals("M-SEARCH", assertDone(parse(head("M-SEARCH / HTTP/1.1", "Host: h"))).method());
    }

    @Test
    void invalidHeaderNameIs400() {
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", ": no name")));
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "No colon")));
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "X(A): v")));
        assertStatus(400, parse(head("GET / HTTP/1.1", "Host: h", "NoColonAtAll")));
    }

    @Test
    void unknownHttpVersionIs505() {
        for (String v : new String[] {"HTTP/2.0", "HTTP/1.2", "HTTP/0.9", "HTTP/3.0"}) {
            assertStatus(505, parse(head("GET / " + v, "Host: h")));
        }
        for (String v : new String[] {"HTTP/1.1x", "http/1.1", "HTTP/1", "HTTP/2", "HTTP/11.1", "FTP/1.1"}) {
            assertStatus(400, parse(head("GET / " + v, "Host: h")));
        }
        Head old = assertDone(parse(head("GET / HTTP/1.0")));
        assertEquals("HTTP/1.0", old.version());
    }

    @Test
    void leadingEmptyLinesBeforeTheRequestLineAreSkipped() {
        Head h = assertDone(parse("\r\n\r\n" + head("GET / HTTP/1.1", "Host: h")));
        assertEquals("GET", h.method());
    }

    @Test
    void bytesAfterTheHeadStayInTheBuffer() {
        String body = "hello";
        String next = "GET /next HTTP/1.1\r\nHost: h\r\n\r\n";
        Outcome<Head> o = parse(head("POST /a HTTP/1.1", "Host: h", "Content-Length: 5") + body + next);
        assertEquals("/a", assertDone(o).target());
        assertEquals(body + next, o.rest());
    }

    @Test
    void pipelinedRequestsParseOneAfterAnotherAfterReset() {
        String input = head("GET /first HTTP/1.1", "Host: h", "X-N: 1") + head("GET /second HTTP/1.1", "Host: h")
                + "GET /third";
        Outcome<List<Head>> o = Feeding.eachWay(input, () -> new Subject<>() {
            final RequestHeadParser parser = new RequestHeadParser(MAX_BYTES, MAX_COUNT);
            final List<Head> heads = new ArrayList<>();

            @Override
            public boolean feed(ByteBuffer in) throws HttpParseException {
                while (parser.parse(in)) {
                    heads.add(new Head(parser.method(), parser.target(), parser.version(),
                            Feeding.fields(parser.fields())));
                    parser.reset();
                    if (heads.size() == 2) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public List<Head> result() {
                return heads;
            }
        });
        List<Head> heads = assertDone(o);
        assertEquals(List.of(
                new Head("GET", "/first", "HTTP/1.1", List.of(new Field("Host", "h"), new Field("X-N", "1"))),
                new Head("GET", "/second", "HTTP/1.1", List.of(new Field("Host", "h")))), heads);
        assertEquals("GET /third", o.rest());
    }

    @Test
    void resetForgetsTheLimitsUsedByThePreviousHead() throws HttpParseException {
        int max = 300;
        RequestHeadParser parser = new RequestHeadParser(max, 3);
        String oneHead = head("GET / HTTP/1.1", "Host: h", "X-Pad: " + repeat('p', 200));
        for (int i = 0; i < 5; i++) {
            ByteBuffer in = ByteBuffer.wrap(Feeding.bytes(oneHead));
            assertTrue(parser.parse(in), "head " + i + " parses after reset");
            assertEquals(2, parser.fields().size());
            parser.reset();
        }
    }
}
