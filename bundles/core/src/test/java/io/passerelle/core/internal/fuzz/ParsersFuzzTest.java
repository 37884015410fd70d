package io.passerelle.core.internal.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.passerelle.api.HttpFields;
import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;
import io.passerelle.core.internal.http.ChunkedDecoder;
import io.passerelle.core.internal.http.FrontRequest;
import io.passerelle.core.internal.http.HttpParseException;
import io.passerelle.core.internal.http.PathNormalizer;
import io.passerelle.core.internal.http.RequestHeadParser;
import io.passerelle.core.internal.http.ResponseHeadParser;
import io.passerelle.core.internal.route.RouteConfig;
import io.passerelle.core.internal.route.RouteSpec;

/**
 * Coverage-guided fuzz targets (Jazzer) for the parsers of hostile input (issue 10): the request head parser
 * with its SPEC §8 rules, the chunked decoder, the response head parser, the path normaliser and route
 * templates. Each asserts invariants, not examples: only the parser's own rejection escapes, nothing beyond the
 * limits is held, an accepted head re-serialises canonically and parses to the same thing, a normalised path
 * never climbs above {@code /}.
 * <p>
 * Under {@code mvn verify} each target replays its corpus ({@code src/test/resources/.../ParsersFuzzTestInputs/
 * TARGET/}: seeds, and every input a longer run kept or found crashing) as a regression test. A fuzzing run:
 * {@code JAZZER_FUZZ=1 mvn -pl bundles/core test -Dtest=ParsersFuzzTest#TARGET} (README "Reliability").
 */
class ParsersFuzzTest {

    private static final int MAX_HEAD = 4096;
    private static final int MAX_COUNT = 32;
    private static final Set<Integer> REQUEST_REJECTIONS = Set.of(400, 405, 414, 417, 431, 505);

    /** Feeds {@code bytes} in pieces of {@code step} until {@code sink} says it is done. */
    private interface Sink {
        boolean take(ByteBuffer piece) throws HttpParseException;
    }

    private static boolean feed(byte[] bytes, int step, Sink sink) throws HttpParseException {
        for (int off = 0; off < bytes.length; off += step) {
            ByteBuffer piece = ByteBuffer.wrap(bytes, off, Math.min(step, bytes.length - off)).slice();
            if (sink.take(piece)) {
                return true;
            }
        }
        return false;
    }

    private static FrontRequest parseRequest(byte[] bytes, int step) throws HttpParseException {
        return parseRequest(bytes, step, MAX_HEAD);
    }

    private static FrontRequest parseRequest(byte[] bytes, int step, int maxHead) throws HttpParseException {
        RequestHeadParser p = new RequestHeadParser(maxHead, MAX_COUNT);
        boolean done = feed(bytes, step, piece -> {
            boolean complete = p.parse(piece);
            assertTrue(p.headBytes() <= maxHead, "never more held than header.max.bytes");
            return complete;
        });
        return done ? FrontRequest.of(p) : null;
    }

    private static byte[] serialise(String firstLine, HttpFields fields) {
        StringBuilder b = new StringBuilder(firstLine).append("\r\n");
        for (HttpFields.Field f : fields) {
            b.append(f.name()).append(": ").append(f.value()).append("\r\n");
        }
        return b.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    @FuzzTest(maxDuration = "10m")
    void requestHead(FuzzedDataProvider data) {
        int step = data.consumeInt(1, 512);
        byte[] bytes = data.consumeRemainingAsBytes();
        FrontRequest request;
        try {
            request = parseRequest(bytes, step);
        } catch (HttpParseException e) {
            assertTrue(REQUEST_REJECTIONS.contains(e.status()), "a rejection of SPEC 8, not " + e.status());
            return;
        }
        if (request == null) {
            return;
        }
        var head = request.head();
        assertTrue(head.path().equals("*") || head.path().startsWith("/"), head.path());
        // the canonical form of an accepted head parses to the same request
        byte[] again = serialise(head.method() + " " + head.target() + " " + head.version(), head.headers());
        FrontRequest second;
        try {
            // the canonical form may be longer than what came (": " and CRLF for ":" and LF)
            second = parseRequest(again, again.length, Math.max(MAX_HEAD, again.length));
        } catch (HttpParseException e) {
            throw new AssertionError("the canonical form of an accepted head is refused: " + e.getMessage());
        }
        assertEquals(head.method(), second.head().method());
        assertEquals(head.target(), second.head().target());
        assertEquals(head.path(), second.head().path());
        assertEquals(head.query(), second.head().query());
        assertEquals(head.headers().toString(), second.head().headers().toString());
        assertEquals(request.bodyLength(), second.bodyLength());
        assertEquals(request.keepAlive(), second.keepAlive());
    }

    @FuzzTest(maxDuration = "10m")
    void chunkedBody(FuzzedDataProvider data) {
        int step = data.consumeInt(1, 512);
        byte[] bytes = data.consumeRemainingAsBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChunkedDecoder d = new ChunkedDecoder(1024, 400);
        boolean done;
        try {
            done = feed(bytes, step, piece -> d.decode(piece, b -> {
                byte[] copy = new byte[b.remaining()];
                b.get(copy);
                out.writeBytes(copy);
            }));
        } catch (HttpParseException e) {
            assertEquals(400, e.status());
            return;
        }
        assertTrue(out.size() <= bytes.length, "never more data out than in");
        if (!done) {
            return;
        }
        // the canonical chunked form of the data decodes to the same data
        byte[] decoded = out.toByteArray();
        ByteArrayOutputStream canonical = new ByteArrayOutputStream();
        if (decoded.length > 0) {
            canonical.writeBytes((Integer.toHexString(decoded.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            canonical.writeBytes(decoded);
            canonical.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        canonical.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        ChunkedDecoder second = new ChunkedDecoder(1024, 400);
        try {
            ByteBuffer in = ByteBuffer.wrap(canonical.toByteArray());
            assertTrue(second.decode(in, b -> {
                byte[] copy = new byte[b.remaining()];
                b.get(copy);
                again.writeBytes(copy);
            }));
            assertFalse(in.hasRemaining());
        } catch (HttpParseException e) {
            throw new AssertionError("the canonical chunked form is refused: " + e.getMessage());
        }
        assertArrayEquals(decoded, again.toByteArray());
    }

    @FuzzTest(maxDuration = "10m")
    void responseHead(FuzzedDataProvider data) {
        int step = data.consumeInt(1, 512);
        byte[] bytes = data.consumeRemainingAsBytes();
        ResponseHeadParser p = new ResponseHeadParser(MAX_HEAD);
        boolean done;
        try {
            done = feed(bytes, step, piece -> {
                boolean complete = p.parse(piece);
                assertTrue(p.headBytes() <= MAX_HEAD, "never more held than the head limit");
                return complete;
            });
        } catch (HttpParseException e) {
            assertEquals(502, e.status(), "a backend's bad head is a 502");
            return;
        }
        if (!done) {
            return;
        }
        var head = p.head();
        assertTrue(head.status() >= 100 && head.status() <= 999, "status " + head.status());
        byte[] again = serialise(p.version() + " " + head.status() + (head.reason().isEmpty() ? "" : " " + head.reason()),
                head.headers());
        // the canonical form may be longer than what came (": " and CRLF for ":" and LF)
        ResponseHeadParser second = new ResponseHeadParser(Math.max(MAX_HEAD, again.length));
        try {
            assertTrue(second.parse(ByteBuffer.wrap(again)));
        } catch (HttpParseException e) {
            throw new AssertionError("the canonical form of an accepted response head is refused: " + e.getMessage());
        }
        assertEquals(head.status(), second.head().status());
        assertEquals(head.reason(), second.head().reason());
        assertEquals(head.headers().toString(), second.head().headers().toString());
    }

    @FuzzTest(maxDuration = "10m")
    void pathNormaliser(FuzzedDataProvider data) {
        String raw = data.consumeRemainingAsString();
        String path = raw.startsWith("/") ? raw : "/" + raw;
        String normalised;
        try {
            normalised = PathNormalizer.normalize(path);
        } catch (HttpParseException e) {
            assertEquals(400, e.status());
            return;
        }
        assertTrue(normalised.startsWith("/"), normalised);
        assertFalse(normalised.contains("//"), normalised);
        for (String segment : normalised.split("/", -1)) {
            assertFalse(segment.equals(".") || segment.equals(".."), "a dot-segment is left: " + normalised);
        }
        assertFalse(PathNormalizer.hasRawControl(normalised), normalised);
        try {
            assertEquals(normalised, PathNormalizer.normalize(normalised), "normalising is idempotent");
        } catch (HttpParseException e) {
            throw new AssertionError("a normalised path is refused: " + normalised);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void routeTemplates(FuzzedDataProvider data) {
        boolean matchRoute = data.consumeBoolean();
        String template = data.consumeString(64);
        String requestPath = "/" + data.consumeRemainingAsString();
        String normalised;
        try {
            normalised = PathNormalizer.normalize(requestPath);
        } catch (HttpParseException e) {
            return;
        }
        String url = "http://backend:8080/base/" + template;
        RouteSpec spec;
        try {
            spec = RouteSpec.from(Config.of(RouteConfig.class, "io.passerelle.route", matchRoute
                    ? Map.of("service.pid", "io.passerelle.route~f", "match", "^/app/([^/]*)/(.*)$", "url", url)
                    : Map.of("service.pid", "io.passerelle.route~f", "path", "/app/", "url", url)));
        } catch (ConfigException e) {
            return; // refused with the key named: fine
        }
        String mapped = spec.map(normalised);
        if (mapped == null) {
            return;
        }
        assertTrue(mapped.startsWith("http://backend:8080/base/"), "a template never leaves its url: " + mapped);
        if (!matchRoute) {
            // what follows the url as configured (the configuration trims the value)
            assertTrue(mapped.startsWith(spec.url()), "a path route appends to its url: " + mapped);
            String rest = mapped.substring(spec.url().length());
            for (String segment : rest.split("/", -1)) {
                assertFalse(segment.equals(".."), "no way above the route's url: " + mapped);
            }
        }
    }
}
