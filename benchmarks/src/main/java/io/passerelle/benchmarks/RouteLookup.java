package io.passerelle.benchmarks;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.passerelle.api.BodySource;
import io.passerelle.api.ClientInfo;
import io.passerelle.api.Exchange;
import io.passerelle.api.HttpFields;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.ResponseSink;
import io.passerelle.api.SchemeHandler;
import io.passerelle.common.config.Config;
import io.passerelle.core.internal.route.Dispatcher;
import io.passerelle.core.internal.route.Route;
import io.passerelle.core.internal.route.RouteConfig;
import io.passerelle.core.internal.route.RouteSpec;
import io.passerelle.core.internal.route.RouteTable;
import io.passerelle.core.internal.route.RoutedExchange;

/**
 * Finding the route of a request in a table of 21 routes of the kinds SPEC §4.2 users write: prefixes of several
 * depths, exclusions, ws://, balancer:// and status: routes, and four regex ({@code match}) routes, which the
 * evaluation order tries before every path route. Three paths: one under a deep prefix, one that only the
 * catch-all {@code /} takes (every route is tried), one that a regex route takes.
 * <p>
 * {@link #firstMatch} is the table scan alone (as RouteTableTest looks routes up); {@link #dispatch} is the
 * core's {@link Dispatcher} route phase on the same table: the scan, the backend URL with the query, the scheme
 * handler, {@code allow} and encoded-slash checks, then the handler (a stub that keeps the target).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
// a fixed heap touched before the run: see "Heap" in benchmarks/README.md
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RouteLookup {

    /** The request target looked up (path and query); its route is checked in {@link #setup()}. */
    @Param({"/api/v2/orders/1234/items?page=2", "/about/team", "/user/42/avatar"})
    public String target;

    /** The route each target must find. */
    private static final Map<String, String> EXPECTED = Map.of(
            "/api/v2/orders/1234/items?page=2", "orders",
            "/about/team", "site",
            "/user/42/avatar", "avatars");

    private final RouteTable table = new RouteTable();
    private final Dispatcher dispatcher = new Dispatcher(table);
    private BenchExchange exchange;
    private String path;

    @Setup
    public void setup() {
        route("site", "path", "/", "url", "http://10.0.1.10:8080/");
        route("api", "path", "/api/", "url", "http://10.0.1.20:8081/");
        route("api-v1", "path", "/api/v1/", "url", "http://10.0.1.21:8081/v1/");
        route("api-v2", "path", "/api/v2/", "url", "http://10.0.1.22:8082/");
        route("orders", "path", "/api/v2/orders/", "url", "balancer://orders/");
        route("api-internal", "path", "/api/internal/", "url", "!");
        route("graphql", "path", "/graphql", "url", "http://10.0.1.23:4000/graphql");
        route("chat", "path", "/ws/chat", "url", "ws://10.0.2.10:9000/chat");
        route("ws", "path", "/ws/", "url", "ws://10.0.2.11:9001/");
        route("static", "path", "/static/", "url", "http://10.0.3.10:8090/");
        route("static-private", "path", "/static/private/", "url", "!");
        route("assets", "path", "/assets/", "url", "http://10.0.3.11/assets/");
        route("images", "path", "/images/", "url", "http://10.0.3.11/images/");
        route("auth", "path", "/auth/", "url", "https://auth.example.com:8443/", "preserve.host", "true");
        route("login", "path", "/login", "url", "http://10.0.4.10:8000/login");
        route("admin", "path", "/admin/", "url", "http://10.0.4.11:8000/", "allow", "10.0.0.0/8, 192.0.2.0/24");
        route("server-status", "path", "/server-status", "url", "status:");
        route("avatars", "match", "^/user/([0-9]+)/avatar$", "url", "http://10.0.5.10/u/$1.png");
        route("docs", "match", "^/(en|fr|de)/docs/(.*)$", "url", "http://10.0.5.11/$1/$2");
        route("legacy", "match", "^/legacy/.*\\.php$", "url", "http://10.0.5.12:8080/");
        route("downloads", "match", "^/downloads/[^/]+\\.(zip|tar\\.gz)$", "url", "http://10.0.5.13/");
        if (table.routes().length != 21) {
            throw new IllegalStateException("expected 21 routes, have " + table.routes().length);
        }
        dispatcher.bindSchemeHandler(new KeepTarget(),
                Map.of(SchemeHandler.SCHEME, new String[] {"http", "https", "ws", "wss", "balancer", "status"}));

        int q = target.indexOf('?');
        path = q < 0 ? target : target.substring(0, q);
        HttpFields fields = new HttpFields().add("Host", "www.example.com").add("Accept", "*/*");
        RequestHead head = new RequestHead("GET", target, path, q < 0 ? null : target.substring(q + 1), "HTTP/1.1",
                fields);
        ClientInfo client = new ClientInfo(1, new InetSocketAddress("192.0.2.10", 40000),
                new InetSocketAddress("192.0.2.1", 80), false, "main");
        exchange = new BenchExchange(head, client);

        // both benchmarks must take the expected route, and the dispatcher must reach the handler
        String expected = EXPECTED.get(target);
        Route first = firstMatch();
        ProxyTarget t = dispatch();
        if (first == null || !first.name().equals(expected) || t == null || t.route() != first) {
            throw new IllegalStateException(target + ": expected route " + expected + ", found " + first + " and " + t
                    + (exchange.error != 0 ? " (dispatch answered " + exchange.error + ")" : ""));
        }
    }

    /** Adds a route from its configuration keys, as Config Admin would deliver them. */
    private void route(String name, String... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", "io.passerelle.route~" + name);
        props.put("service.factoryPid", "io.passerelle.route");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        table.put("io.passerelle.route~" + name, RouteSpec.from(Config.of(RouteConfig.class, "io.passerelle.route",
                props)));
    }

    /** The first route that maps the path, in evaluation order. */
    @Benchmark
    public Route firstMatch() {
        for (Route r : table.routes()) {
            if (r.spec().map(path) != null) {
                return r;
            }
        }
        return null;
    }

    /** The dispatcher's route phase up to handing the exchange to the scheme handler. */
    @Benchmark
    public ProxyTarget dispatch() {
        exchange.target = null;
        dispatcher.dispatch(exchange);
        return exchange.target;
    }

    /** A scheme handler that takes every request and keeps where it was to go. */
    private static final class KeepTarget implements SchemeHandler {
        @Override
        public void handle(Exchange exchange, ProxyTarget target) {
            ((BenchExchange) exchange).target = target;
        }
    }

    /** Just enough of an exchange for the dispatcher: the request, the client, and a sink that notes errors. */
    private static final class BenchExchange implements RoutedExchange, ResponseSink {
        private final RequestHead request;
        private final ClientInfo client;
        ProxyTarget target;
        Route route;
        int error;

        BenchExchange(RequestHead request, ClientInfo client) {
            this.request = request;
            this.client = client;
        }

        @Override
        public RequestHead request() {
            return request;
        }

        @Override
        public ClientInfo client() {
            return client;
        }

        @Override
        public BodySource requestBody() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ResponseSink response() {
            return this;
        }

        @Override
        public void onComplete(Runnable task) {
        }

        @Override
        public boolean isDone() {
            return false;
        }

        @Override
        public long bytesFromClient() {
            return 0;
        }

        @Override
        public long bytesToClient() {
            return 0;
        }

        @Override
        public void rewrite(RequestHead rewritten) {
            throw new UnsupportedOperationException("no request hook is bound");
        }

        @Override
        public void respond(ResponseHead head) {
            throw new UnsupportedOperationException("no request hook is bound");
        }

        @Override
        public void route(Route r) {
            route = r;
        }

        // ---- ResponseSink: only error() is expected, and only if a lookup goes wrong

        @Override
        public void head(ResponseHead head) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean write(ByteBuffer data) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void onDrain(Runnable task) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void end() {
            throw new UnsupportedOperationException();
        }

        @Override
        public void error(int status) {
            error = status;
        }

        @Override
        public void abort() {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isCommitted() {
            return false;
        }
    }
}
