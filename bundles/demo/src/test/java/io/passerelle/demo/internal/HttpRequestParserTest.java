package io.passerelle.demo.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.mina.core.buffer.IoBuffer;
import org.junit.jupiter.api.Test;

class HttpRequestParserTest {

    /** Records events; body bytes are copied, as the pieces are only valid during the call. */
    private static final class Recorder implements HttpRequestParser.Listener {
        final List<RequestHead> heads = new ArrayList<>();
        final List<String> bodies = new ArrayList<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int ends;

        @Override
        public void onHead(RequestHead head) {
            heads.add(head);
        }

        @Override
        public void onBody(IoBuffer piece) {
            byte[] bytes = new byte[piece.remaining()];
            piece.get(bytes);
            body.writeBytes(bytes);
        }

        @Override
        public void onEnd() {
            ends++;
            bodies.add(body.toString(StandardCharsets.ISO_8859_1));
            body.reset();
        }
    }

    private static final String TWO_REQUESTS =
            "POST /sha256 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer: t\r\n\r\n"
            + "PUT /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc";

    private static Recorder feed(String text, int split) throws HttpParseException {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        HttpRequestParser parser = new HttpRequestParser();
        Recorder recorder = new Recorder();
        for (int i = 0; i < bytes.length; i += split) {
            IoBuffer in = IoBuffer.wrap(bytes, i, Math.min(split, bytes.length - i));
            while (in.hasRemaining()) {
                parser.parse(in, recorder);
            }
        }
        return recorder;
    }

    @Test
    void chunkedAndFixedBodiesParseTheSameInEverySplit() throws Exception {
        for (int split : new int[] {1, 2, 3, 7, 13, 64, 4096}) {
            Recorder r = feed(TWO_REQUESTS, split);
            assertEquals(2, r.heads.size(), "split " + split);
            assertEquals(2, r.ends, "split " + split);
            assertEquals(List.of("hello world", "abc"), r.bodies, "split " + split);
            assertEquals(-1, r.heads.get(0).contentLength());
            assertEquals("/echo", r.heads.get(1).path());
            assertEquals("x", r.heads.get(1).header("host"));
        }
    }

    @Test
    void parseStopsAfterEachRequestSoTheCallerCanWait() throws Exception {
        HttpRequestParser parser = new HttpRequestParser();
        Recorder r = new Recorder();
        IoBuffer in = IoBuffer.wrap("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(parser.parse(in, r));
        assertEquals(1, r.ends);
        assertEquals(19, in.remaining());
    }

    @Test
    void framingAndSyntaxErrorsAreRejectedWithTheRightStatus() {
        assertStatus(400, "POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertStatus(400, "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n");
        assertStatus(400, "GET / HTTP/1.1\r\nHost : x\r\n\r\n");
        assertStatus(400, "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n");
        assertStatus(400, "GET / HTTP/1.1\rHost: x\r\n\r\n");
        assertStatus(400, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        assertStatus(505, "GET / HTTP/2.0\r\n\r\n");
        assertStatus(414, "GET /" + "a".repeat(HttpRequestParser.MAX_REQUEST_LINE) + " HTTP/1.1\r\n\r\n");
    }

    private static void assertStatus(int status, String request) {
        HttpParseException e = assertThrows(HttpParseException.class, () -> feed(request, 5));
        assertEquals(status, e.status(), request);
    }
}
