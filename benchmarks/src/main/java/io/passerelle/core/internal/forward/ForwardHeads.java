package io.passerelle.core.internal.forward;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
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

import io.passerelle.api.ClientInfo;
import io.passerelle.api.HttpFields;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;
import io.passerelle.benchmarks.HeadParsing;
import io.passerelle.common.config.Config;
import io.passerelle.core.internal.http.FrontRequest;
import io.passerelle.core.internal.http.HttpParseException;
import io.passerelle.core.internal.http.RequestHeadParser;
import io.passerelle.core.internal.http.ResponseHeadParser;
import io.passerelle.core.internal.route.RouteConfig;
import io.passerelle.core.internal.route.RouteSpec;
import io.passerelle.core.internal.route.RouteTable;

/**
 * The heads a proxied exchange edits on its way through (RFC 9110 §7.6): {@link #request} is the client's head made
 * into the backend's ({@code RequestHeaders.forBackend}: hop-by-hop fields out, Host, framing,
 * X-Forwarded-*, Forwarded, Via), {@link #response} the backend's made into the client's
 * ({@code ResponseHeaders.forClient}: hop-by-hop out, Via), on the heads of {@link HeadParsing}, for a route with
 * the shipped defaults. Both are a dozen look-ups by name over a dozen fields: what a head's name comparisons cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// a fixed heap touched before the run: see "Heap" in benchmarks/README.md
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ForwardHeads {

    private RequestHead clientHead;
    private HttpFields backendFields;
    private ClientInfo client;
    private ProxyTarget target;

    @Setup
    public void setup() throws HttpParseException {
        RequestHeadParser requests = new RequestHeadParser(16384, 100);
        if (!requests.parse(ByteBuffer.wrap(HeadParsing.REQUEST.getBytes(StandardCharsets.ISO_8859_1)))) {
            throw new IllegalStateException("incomplete request head");
        }
        clientHead = FrontRequest.of(requests).head();
        ResponseHeadParser responses = new ResponseHeadParser(16384);
        if (!responses.parse(ByteBuffer.wrap(HeadParsing.RESPONSE.getBytes(StandardCharsets.ISO_8859_1)))) {
            throw new IllegalStateException("incomplete response head");
        }
        backendFields = responses.head().headers();
        client = new ClientInfo(1, new InetSocketAddress("192.0.2.10", 40000), new InetSocketAddress("192.0.2.1", 80),
                false, "main");
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", "io.passerelle.route~api");
        props.put("service.factoryPid", "io.passerelle.route");
        props.put("path", "/api/");
        props.put("url", "http://10.0.1.20:8081/");
        RouteTable table = new RouteTable();
        table.put("io.passerelle.route~api", RouteSpec.from(Config.of(RouteConfig.class, "io.passerelle.route",
                props)));
        target = new ProxyTarget(URI.create("http://10.0.1.20:8081/v2/orders/1234/items?expand=product&currency=EUR"),
                table.routes()[0]);

        // both must do what a proxied exchange does with these heads
        RequestHead out = request();
        if (!"10.0.1.20:8081".equals(out.headers().get("Host")) || out.headers().get("X-Forwarded-For") == null
                || out.headers().get("Connection") != null || out.headers().get("User-Agent") == null) {
            throw new IllegalStateException("unexpected backend head: " + out.headers());
        }
        HttpFields back = response();
        if (back.get("Connection") != null || back.get("Keep-Alive") != null || back.get("ETag") == null) {
            throw new IllegalStateException("unexpected client head: " + back);
        }
    }

    /** The client's request head as sent to the backend. */
    @Benchmark
    public RequestHead request() {
        return RequestHeaders.forBackend(clientHead, client, target, 0, false, null);
    }

    /** The backend's response head as sent to the client (edited in place: a copy per call, as each exchange owns one). */
    @Benchmark
    public HttpFields response() {
        return ResponseHeaders.forClient(backendFields.copy(), clientHead, client, target, false, false);
    }
}
