package io.passerelle.core.internal.forward;

import java.io.IOException;
import java.nio.ByteBuffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.BackendTls;
import io.passerelle.api.BodyReceiver;
import io.passerelle.api.Exchange;
import io.passerelle.api.ForwardSettings;
import io.passerelle.api.HttpFields;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.RouteOptions;
import io.passerelle.core.internal.backend.HttpClientConnection;
import io.passerelle.core.internal.backend.ResponseListener;
import io.passerelle.core.internal.front.HttpExchange;
import io.passerelle.core.internal.net.ConnectListener;
import io.passerelle.core.internal.net.Connection;
import io.passerelle.core.internal.net.Endpoint;
import io.passerelle.core.internal.tunnel.Tunnel;

/**
 * One request proxied to an HTTP backend: takes a pooled connection (or opens one), forwards the head and
 * streams the body with backpressure, relays the response, returns the connection to the pool, and maps
 * failures to 502/503/504 as SPEC §4.4 says; after a matching {@code 101}, joins client and backend in a tunnel.
 * Runs in the exchange's context.
 * <p>
 * It speaks to the exchange as the handler gave it ({@code ex}, perhaps a wrapper that watches the response),
 * and to the core's own exchange ({@code front}) only for what the front end owns: the client connection's
 * context and the tunnel.
 */
final class ProxyExchange implements ConnectListener, ResponseListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    private final ForwardingImpl module;
    private final Exchange ex;
    private final HttpExchange front;
    /** Dropped once a tunnel opens, as is the head made for the backend: an idle tunnel holds neither. */
    private ProxyTarget target;
    private final ForwardSettings settings;
    private final long tunnelIdleMillis;
    private RequestHead backendHead;
    /** These three are dropped too once a tunnel opens. */
    private String upgrade;
    private Endpoint endpoint;
    private String key;
    private HttpClientConnection conn;
    private Tunnel tunnel;
    private boolean reused;
    private boolean retried;
    private boolean bodyStarted;
    private boolean requestEnded;
    private boolean finished;

    ProxyExchange(ForwardingImpl module, Exchange ex, HttpExchange front, ProxyTarget target, ForwardSettings settings,
            String upgrade, long tunnelIdleMillis) {
        this.module = module;
        this.ex = ex;
        this.front = front;
        this.target = target;
        this.settings = settings;
        this.upgrade = upgrade;
        this.tunnelIdleMillis = tunnelIdleMillis;
        this.backendHead = RequestHeaders.forBackend(ex.request(), ex.client(), target, ex.requestBody().length(),
                settings.via(), upgrade);
        RouteOptions o = target.route().options();
        boolean tls = "https".equalsIgnoreCase(target.url().getScheme());
        BackendTls t = tls ? o.tls() : null;
        this.endpoint = new Endpoint(target.url().getHost(), target.port(tls ? 443 : 80), t, o.connectTimeoutMillis());
        this.key = endpoint.key() + "#" + front.connection().affinity();
    }

    /** Whether the request made for the backend can be sent (see {@link RequestHeaders#safe}). */
    boolean safe() {
        return RequestHeaders.safe(backendHead);
    }

    void start() {
        ex.onComplete(this::completed);
        front.upstreamStarted(target.url());
        HttpClientConnection pooled = module.pool().take(key, front.context(), this);
        if (pooled != null) {
            reused = true;
            use(pooled);
        } else {
            connect();
        }
    }

    private void connect() {
        module.core().connect(endpoint, front.connection(), this);
    }

    // ---- connect

    @Override
    public void connected(Connection c) {
        HttpClientConnection h = new HttpClientConnection(c, key);
        c.protocol(h);
        if (ex.isDone()) {
            module.pool().offer(h, settings.poolMaxPerBackend());
            return;
        }
        h.listener(this);
        use(h);
    }

    private void use(HttpClientConnection c) {
        conn = c;
        c.readTimeout(target.route().options().timeoutMillis());
        c.sendHead(backendHead);
        if (ex.requestBody().length() == 0) {
            requestEnded = true;
            c.endBody();
        } else if (!bodyStarted) {
            bodyStarted = true;
            ex.requestBody().start(new Upload());
        }
    }

    @Override
    public void failed(IOException cause, boolean timedOut) {
        if (ex.isDone()) {
            return;
        }
        LOG.debug("Route {}: {}", target.route().name(), cause.getMessage());
        fail(503, "backend unavailable: " + cause.getMessage());
    }

    /** Streams the request body to the backend. */
    private final class Upload implements BodyReceiver {
        @Override
        public void onData(ByteBuffer data) {
            if (conn == null || !conn.write(data)) {
                ex.requestBody().suspend();
                if (conn != null) {
                    conn.onDrain(ex.requestBody()::resume);
                }
            }
        }

        @Override
        public void onEnd() {
            requestEnded = true;
            if (conn != null) {
                conn.endBody();
            }
        }

        @Override
        public void onError(Exception cause) {
            // a broken request body: the backend must see a truncated request, never a second one
            fail(400, cause.getMessage());
        }
    }

    // ---- response

    @Override
    public void onResponseHead(ResponseHead head) {
        if (head.status() == 101) {
            String answered = head.headers().get("Upgrade");
            // the backend picks one of the protocols forwarded (RFC 9110 §7.8: the 101 names the one it switches to)
            if (upgrade == null || answered == null || answered.contains(",")
                    || !HttpFields.listContains(upgrade, answered)) {
                fail(502, "backend answered 101 with " + (answered == null ? "no Upgrade" : "Upgrade: " + answered));
                return;
            }
            finished = true;
            front.upstreamEnded();
            ResponseHead relayed = new ResponseHead(101, head.reason(),
                    ResponseHeaders.forClient(head.headers(), ex.request(), ex.client(), target, settings.via(), true));
            HttpClientConnection c = conn;
            conn = null;
            c.listener(null);
            backendHead = null;
            target = null;
            upgrade = null;
            endpoint = null;
            key = null;
            tunnel = front.tunnel(module.tunnels(), relayed, c.connection(), c.takeLeftover(), tunnelIdleMillis);
            if (module.closed()) {
                // upgraded while its module stops: it ends as the module's other tunnels do
                tunnel.goAway();
            }
            return;
        }
        ex.response().head(new ResponseHead(head.status(), head.reason(),
                ResponseHeaders.forClient(head.headers(), ex.request(), ex.client(), target, settings.via(), false)));
    }

    @Override
    public void onData(ByteBuffer data) {
        if (!ex.response().write(data)) {
            HttpClientConnection c = conn;
            c.connection().suspendRead();
            ex.response().onDrain(c.connection()::resumeRead);
        }
    }

    @Override
    public void onEnd() {
        finished = true;
        front.upstreamEnded();
        HttpClientConnection c = conn;
        conn = null;
        if (c != null) {
            if (requestEnded && c.isReusable()) {
                module.pool().offer(c, settings.poolMaxPerBackend());
            } else {
                c.listener(null);
                c.close();
            }
        }
        ex.response().end();
    }

    @Override
    public void onError(Exception cause) {
        if (!ex.response().isCommitted() && reused && !retried && conn != null && !conn.responseStarted()
                && ex.requestBody().length() == 0) {
            // a pooled connection the backend had closed meanwhile: one fresh try
            retried = true;
            reused = false;
            closeBackend();
            connect();
            return;
        }
        LOG.debug("Route {}: {}", target.route().name(), cause.getMessage());
        fail(502, cause.getMessage());
    }

    @Override
    public void onTimeout() {
        fail(504, "backend read timeout");
    }

    private void fail(int status, String reason) {
        finished = true;
        front.upstreamEnded();
        closeBackend();
        if (!ex.isDone()) {
            if (ex.response().isCommitted()) {
                LOG.debug("Route {}: aborting a started response: {}", target.route().name(), reason);
                ex.response().abort();
            } else {
                ex.response().error(status);
            }
        }
    }

    private void closeBackend() {
        HttpClientConnection c = conn;
        conn = null;
        if (c != null) {
            c.listener(null); // no late event of it reaches this exchange
            c.close();
        }
    }

    /** The exchange is over (for whatever reason): nothing of it may stay open. */
    private void completed() {
        if (!finished) {
            closeBackend();
        }
        module.forget(this);
    }

    /** The module that forwarded it is stopping gracefully: its tunnel goes away; a request in flight goes on. */
    void goAway() {
        front.context().execute(() -> {
            if (tunnel != null) {
                tunnel.goAway();
            }
        });
    }

    /** The module that forwarded it is stopping and its time is up: its tunnel closes, an unanswered request gets 503. */
    void shutdown() {
        front.context().execute(() -> {
            if (tunnel != null) {
                tunnel.abort();
            } else if (!ex.isDone()) {
                fail(503, "the module serving this route is stopping");
            }
        });
    }
}
