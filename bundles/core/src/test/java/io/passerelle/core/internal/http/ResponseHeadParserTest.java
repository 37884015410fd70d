package io.passerelle.core.internal.http;

import static io.passerelle.core.internal.http.Feeding.assertDone;
import static io.passerelle.core.internal.http.Feeding.assertStatus;
import static io.passerelle.core.internal.http.Feeding.repeat;
import static io.passerelle.core.internal.http.RequestHeadParserTest.head;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.passerelle.api.HttpFields.Field;
import io.passerelle.api.ResponseHead;
import io.passerelle.core.internal.http.Feeding.Outcome;
import io.passerelle.core.internal.http.Feeding.Subject;

/** A backend's response head: parsed strictly, and whatever is malformed is a 502 for the client. */
class ResponseHeadParserTest {

    record Head(String version, int status, String reason, List<Field> fields) {
    }

    static Outcome<Head> parse(String input) {
        return parse(input, 16384);
    }

    static Outcome<Head> parse(String input, int maxBytes) {
        return Feeding.eachWay(input, () -> new Subject<>() {
            final ResponseHeadParser parser = new ResponseHeadParser(maxBytes);

            @Override
            public boolean feed(ByteBuffer in) throws HttpParseException {
                return parser.parse(in);
            }

            @Override
            public Head result() {
                ResponseHead h = parser.head();
                return new Head(parser.version(), h.status(), h.reason(), Feeding.fields(h.headers()));
            }
        });
    }

    @Test
    void statusLineWithReason() {
        Outcome<Head> o = parse(head("HTTP/1.1 200 OK", "Content-Length: 5") + "hello");
        assertEquals(new Head("HTTP/1.1", 200, "OK", List.of(new Field("Content-Length", "5"))), assertDone(o));
        assertEquals("hello", o.rest());
        assertEquals(new Head("HTTP/1.0", 404, "Not Found", List.of()), assertDone(parse(head("HTTP/1.0 404 Not Found"))));
        assertEquals("Switching Protocols", assertDone(parse(head("HTTP/1.1 101 Switching Protocols",
                "Upgrade: websocket", "Connection: Upgrade"))).reason());
    }

    @Test
    void statusLineWithoutReason() {
        assertEquals(new Head("HTTP/1.1", 204, "", List.of()), assertDone(parse(head("HTTP/1.1 204"))));
        assertEquals(new Head("HTTP/1.1", 204, "", List.of()), assertDone(parse(head("HTTP/1.1 204 "))));
    }

    @Test
    void reasonMayHoldSpacesAndObsText() {
        assertEquals("I'm  a teapot \u00e9", assertDone(parse(head("HTTP/1.1 418 I'm  a teapot \u00e9"))).reason());
    }

    @Test
    void repeatedHeadersKeepTheirOrderAndCase() {
        Head h = assertDone(parse(head("HTTP/1.1 200 OK", "Set-Cookie: a=1", "set-cookie: b=2", "Vary: Accept",
                "SET-COOKIE: c=3")));
        assertEquals(List.of(new Field("Set-Cookie", "a=1"), new Field("set-cookie", "b=2"), new Field("Vary", "Accept"),
                new Field("SET-COOKIE", "c=3")), h.fields());
    }

    @Test
    void bytesAfterTheHeadStayInTheBuffer() {
        String body = "0\r\n\r\nHTTP/1.1 200 OK\r\n";
        Outcome<Head> o = parse(head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked") + body);
        assertEquals(200, assertDone(o).status());
        assertEquals(body, o.rest());
    }

    @Test
    void resetParsesTheNextResponse() throws HttpParseException {
        ResponseHeadParser parser = new ResponseHeadParser(16384);
        ByteBuffer in = ByteBuffer.wrap(Feeding.bytes(head("HTTP/1.1 100 Continue") + head("HTTP/1.1 201 Created", "X: 1")));
        assertTrue(parser.parse(in));
        assertEquals(100, parser.head().status());
        parser.reset();
        assertTrue(parser.parse(in));
        assertEquals(201, parser.head().status());
        assertEquals("Created", parser.head().reason());
        assertEquals(List.of(new Field("X", "1")), Feeding.fields(parser.head().headers()));
    }

    @Test
    void malformedStatusLineIs502() {
        for (String line : new String[] {"HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 20x OK", "HTTP/2 200 OK",
            "HTTP/2.0 200 OK", "HTTP/1.1  200 OK", "HTTP/1.1 abc", "ICY 200 OK", "http/1.1 200 OK", "HTTP/1.1 099 Low",
            "HTTP/1.1 200\tOK", "HTTP/1.1", "", "HTTP/1.1 200 O\u0001K", "HTTP/1.1 200 OK\u007f"}) {
            assertStatus(502, parse(head(line, "Content-Length: 0")));
        }
    }

    @Test
    void malformedHeaderIs502() {
        for (String field : new String[] {"Content-Length : 5", "No colon", ": empty name", " folded: line",
            "X-A: a\u0000b", "X-A: a\u001bb", "X(A): v"}) {
            assertStatus(502, parse(head("HTTP/1.1 200 OK", "Server: x", field)));
        }
        assertStatus(502, parse(head("HTTP/1.1 200 OK", "X-Long: one", " two")));
    }

    @Test
    void bareCrIs502() {
        assertStatus(502, parse(head("HTTP/1.1 200 OK", "X-A: a\rb")));
        assertStatus(502, parse("HTTP/1.1 200 OK\r\r\n\r\n"));
    }

    @Test
    void headOverTheLimitIs502() {
        assertStatus(502, parse(head("HTTP/1.1 200 OK", "X-Pad: " + repeat('p', 2000)), 1024));
        assertStatus(502, parse(head("HTTP/1.1 200 " + repeat('r', 9000)), 65536));
        List<String> lines = new ArrayList<>(List.of("HTTP/1.1 200 OK"));
        for (int i = 0; i < 1001; i++) {
            lines.add("X-" + i + ": v");
        }
        assertStatus(502, parse(head(lines.toArray(String[]::new)), 1 << 20));
    }
}
