package io.passerelle.benchmarks;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.passerelle.api.HttpFields;
import io.passerelle.api.ResponseHead;
import io.passerelle.core.internal.http.FrontRequest;
import io.passerelle.core.internal.http.HeadWriter;
import io.passerelle.core.internal.http.HttpParseException;
import io.passerelle.core.internal.http.MessageWriter;
import io.passerelle.core.internal.http.RequestHeadParser;
import io.passerelle.core.internal.http.ResponseHeadParser;

/**
 * The front end's per-request head work: a typical browser request head (526 bytes, 11 fields) parsed by the
 * core's strict parser and checked against the rules of SPEC §8, a typical backend response head (408 bytes,
 * 10 fields) parsed, and both directions serialised again. Each head arrives whole in one heap buffer, as a
 * small head does from MINA; the parsers are reset and reused as on a keep-alive connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// a fixed heap touched before the run: see "Heap" in benchmarks/README.md
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HeadParsing {

    /** What a current Firefox sends for a same-origin navigation, with a session cookie. */
    public static final String REQUEST = String.join("\r\n",
            "GET /api/v2/orders/1234/items?expand=product&currency=EUR HTTP/1.1",
            "Host: shop.example.com",
            "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "Accept-Language: en-GB,en;q=0.5",
            "Accept-Encoding: gzip, deflate, br, zstd",
            "Referer: https://shop.example.com/cart",
            "Connection: keep-alive",
            "Cookie: session=3f2a9c0e7b1d4e5f8a6b2c9d; theme=dark",
            "Upgrade-Insecure-Requests: 1",
            "Sec-Fetch-Dest: document",
            "Sec-Fetch-Mode: navigate") + "\r\n\r\n";

    /** What an httpd backend answers to it. */
    public static final String RESPONSE = String.join("\r\n",
            "HTTP/1.1 200 OK",
            "Date: Tue, 03 Dec 2024 10:15:30 GMT",
            "Server: Apache/2.4.62 (Unix)",
            "Content-Type: application/json; charset=utf-8",
            "Content-Length: 1834",
            "Cache-Control: private, max-age=0, must-revalidate",
            "ETag: \"5e8f-61c2a9b3d4e80\"",
            "Vary: Accept-Encoding, Cookie",
            "Set-Cookie: session=3f2a9c0e7b1d4e5f8a6b2c9d; Path=/; HttpOnly; Secure; SameSite=Lax",
            "Keep-Alive: timeout=5, max=100",
            "Connection: Keep-Alive") + "\r\n\r\n";

    private ByteBuffer requestBytes;
    private ByteBuffer responseBytes;
    private RequestHeadParser requestParser;
    private ResponseHeadParser responseParser;

    /** The parsed heads, serialised again by the write benchmarks. */
    private HttpFields requestFields;
    private ResponseHead responseHead;
    private MessageWriter writer;
    private ByteBuffer written;
    private ByteBuffer body;

    @Setup
    public void setup() throws HttpParseException {
        requestBytes = ByteBuffer.wrap(REQUEST.getBytes(StandardCharsets.ISO_8859_1));
        responseBytes = ByteBuffer.wrap(RESPONSE.getBytes(StandardCharsets.ISO_8859_1));
        // the front end's default limits (listener keys header.max.bytes and header.max.count)
        requestParser = new RequestHeadParser(16384, 100);
        responseParser = new ResponseHeadParser(16384);

        // every benchmark must measure the success path: check once what they will do
        FrontRequest front = frontRequest();
        if (!front.head().path().equals("/api/v2/orders/1234/items") || front.head().headers().size() != 11
                || !front.keepAlive() || front.bodyLength() != 0) {
            throw new IllegalStateException("unexpected parse of the request head: " + front);
        }
        requestFields = front.head().headers();
        responseHead = responseHead();
        if (responseHead.status() != 200 || responseHead.headers().size() != 10) {
            throw new IllegalStateException("unexpected parse of the response head: " + responseHead);
        }
        writer = new MessageWriter(b -> written = b);
        body = ByteBuffer.wrap(new byte[1834]); // as long as the head says
    }

    /** The request head split into method, target, version and fields (syntax rules only). */
    @Benchmark
    public HttpFields requestHead() throws HttpParseException {
        requestParser.reset();
        if (!requestParser.parse(requestBytes.position(0))) {
            throw new IllegalStateException("incomplete head");
        }
        return requestParser.fields();
    }

    /** The whole front-end step: parsed, then Host, framing, keep-alive, Expect and path normalisation decided. */
    @Benchmark
    public FrontRequest frontRequest() throws HttpParseException {
        requestHead();
        return FrontRequest.of(requestParser);
    }

    /** A backend's response head parsed into status, reason and fields. */
    @Benchmark
    public ResponseHead responseHead() throws HttpParseException {
        responseParser.reset();
        if (!responseParser.parse(responseBytes.position(0))) {
            throw new IllegalStateException("incomplete head");
        }
        return responseParser.head();
    }

    /** The request line and the fields serialised for a backend. */
    @Benchmark
    public ByteBuffer writeRequestHead() {
        return HeadWriter.requestLineAndFields("GET", "/api/v2/orders/1234/items?expand=product&currency=EUR",
                requestFields);
    }

    /**
     * A response going out: its head serialised and held back by the message writer, then sent joined with its
     * 1834-byte body in one write.
     */
    @Benchmark
    public ByteBuffer writeResponse() {
        writer.head(HeadWriter.statusLineAndFields("HTTP/1.1", responseHead.status(), responseHead.reason(),
                responseHead.headers()), false);
        writer.data(body.duplicate());
        writer.end();
        return written;
    }
}
