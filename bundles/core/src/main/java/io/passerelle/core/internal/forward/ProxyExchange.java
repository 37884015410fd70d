package io.passerelle.core.internal.forward;

import java.nio.ByteBuffer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.BackendConnection;
import io.passerelle.api.BackendListener;
import io.passerelle.api.BodyReceiver;
import io.passerelle.api.ConnectHandler;
import io.passerelle.api.ConnectOptions;
import io.passerelle.api.Exchange;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ForwardSettings;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.RouteOptions;

/**
 * One request proxied to an HTTP backend: takes a pooled connection (or opens one), forwards the head and
 * streams the body with backpressure, relays the response, returns the connection to the pool, and maps
 * failures to 502/503/504 as SPEC §4.4 says. All methods run in the exchange's context.
 */
final class ProxyExchange implements ConnectHandler, BackendListener {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);

    private final ForwardingImpl module;
    private final Exchange ex;
    private final ProxyTarget target;
    private final ForwardSettings settings;
    private final long tunnelIdleMillis;
    private final RequestHead backendHead;
    private final String upgrade;
    private final String key;
    private final boolean tls;
    private final int port;
    private BackendConnection conn;
    private boolean reused;
    private boolean retried;
    private boolean bodyStarted;
    private boolean requestEnded;
    private boolean finished;
    private boolean tunneled;

    ProxyExchange(ForwardingImpl module, Exchange ex, ProxyTarget target, ForwardSettings settings, String upgrade,
            long tunnelIdleMillis) {
        this.tunnelIdleMillis = tunnelIdleMillis;
        this.module = module;
        this.ex = ex;
        this.target = target;
        this.settings = settings;
        this.upgrade = upgrade;
        this.backendHead = RequestHeaders.forBackend(ex.request(), ex.client(), target, ex.requestBody().length(),
                settings.via(), upgrade);
        this.tls = "https".equalsIgnoreCase(target.url().getScheme());
        this.port = target.port(tls ? 443 : 80);
        this.key = target.url().getScheme().toLowerCase() + "://" + target.url().getHost() + ":" + port + "#" + ex.affinity();
    }

    void start() {
        ex.onComplete(this::completed);
        BackendConnection pooled = module.pool().take(key);
        if (pooled != null) {
            reused = true;
            connected(pooled);
        } else {
            connect();
        }
    }

    private void connect() {
        RouteOptions o = target.route().options();
        ex.backends().connect(target.url().getHost(), port, new ConnectOptions(o.connectTimeoutMillis(), tls,
                o.tlsTruststore(), o.tlsTruststorePassword(), o.tlsVerify()), this);
    }

    // ---- connect

    @Override
    public void connected(BackendConnection c) {
        if (ex.isDone()) {
            module.pool().offer(key, c, settings.poolMaxPerBackend());
            return;
        }
        conn = c;
        c.bind(ex, this);
        c.setReadTimeout(target.route().options().timeoutMillis());
        c.sendHead(backendHead);
        long length = ex.requestBody().length();
        if (length == 0) {
            requestEnded = true;
            c.endBody();
        } else if (!bodyStarted) {
            bodyStarted = true;
            ex.requestBody().start(new Upload());
        }
    }

    @Override
    public void failed(Exception cause, boolean timedOut) {
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
                    || !RouteOptions.listContains(upgrade, answered)) {
                fail(502, "backend answered 101 with " + (answered == null ? "no Upgrade" : "Upgrade: " + answered));
                return;
            }
            finished = true;
            ResponseHead relayed = new ResponseHead(101, head.reason(),
                    ResponseHeaders.forClient(head.headers(), ex.request(), ex.client(), target, settings.via(), true));
            BackendConnection c = conn;
            conn = null;
            tunneled = true;
            ex.tunnel(relayed, c, tunnelIdleMillis);
            return;
        }
        ex.response().head(new ResponseHead(head.status(), head.reason(),
                ResponseHeaders.forClient(head.headers(), ex.request(), ex.client(), target, settings.via(), false)));
    }

    @Override
    public void onData(ByteBuffer data) {
        if (!ex.response().write(data)) {
            BackendConnection c = conn;
            c.suspendRead();
            ex.response().onDrain(c::resumeRead);
        }
    }

    @Override
    public void onEnd() {
        finished = true;
        BackendConnection c = conn;
        conn = null;
        if (c != null) {
            if (requestEnded && c.isReusable()) {
                module.pool().offer(key, c, settings.poolMaxPerBackend());
            } else {
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
            BackendConnection stale = conn;
            conn = null;
            stale.unbind(() -> { });
            stale.close();
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
        BackendConnection c = conn;
        conn = null;
        if (c != null) {
            c.unbind(() -> { }); // no late event of it reaches this exchange
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

    /** The module that forwarded it is stopping. */
    void shutdown() {
        ex.execute(() -> {
            if (tunneled) {
                ex.response().abort(); // closes the client side; the relay closes the backend side
            } else {
                fail(503, "the module serving this route is stopping");
            }
        });
    }
}
