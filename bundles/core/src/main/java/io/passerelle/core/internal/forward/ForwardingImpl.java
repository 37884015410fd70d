package io.passerelle.core.internal.forward;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.Exchange;
import io.passerelle.api.ForwardSettings;
import io.passerelle.api.Forwarding;
import io.passerelle.api.ProxyTarget;
import io.passerelle.core.internal.backend.BackendPool;
import io.passerelle.core.internal.front.ClientConnections;
import io.passerelle.core.internal.front.HttpExchange;
import io.passerelle.core.internal.net.NetworkCore;
import io.passerelle.core.internal.tunnel.Tunnels;

/** One module's forwarding: its pool (reaped on the core's timer), its exchanges in flight and tunnels. */
final class ForwardingImpl implements Forwarding {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardingImpl.class);

    private final NetworkCore core;
    private final ClientConnections connections;
    private final Tunnels tunnels;
    private final BackendPool pool = new BackendPool();
    private final Set<ProxyExchange> active = ConcurrentHashMap.newKeySet();
    private final Set<String> unverified = ConcurrentHashMap.newKeySet();
    private final Runnable reaping;
    private volatile ForwardSettings settings;
    private volatile boolean closed;

    ForwardingImpl(ForwardSettings settings, NetworkCore core, ClientConnections connections, Tunnels tunnels) {
        this.settings = settings;
        this.core = core;
        this.connections = connections;
        this.tunnels = tunnels;
        this.reaping = core.every(1000, () -> pool.reap(this.settings.poolIdleTimeoutMillis()));
    }

    @Override
    public void forward(Exchange exchange, ProxyTarget target, String upgrade, long tunnelIdleMillis) {
        if (exchange.isDone()) {
            return;
        }
        if (closed) {
            exchange.response().error(503);
            return;
        }
        HttpExchange front = connections.exchangeOf(exchange);
        if (front == null) {
            LOG.error("Route {}: an exchange that no client connection of this proxy carries was given to forward "
                    + "(a wrapper must hand on its delegate's client()); answering 500", target.route().name());
            exchange.response().error(500);
            return;
        }
        if (!target.route().options().tls().verify() && unverified.add(target.route().name())) {
            LOG.warn("Route {}: tls.verify = false, backend certificates and host names are not checked",
                    target.route().name());
        }
        ProxyExchange p = new ProxyExchange(this, exchange, front, target, settings, upgrade, tunnelIdleMillis);
        if (!p.safe()) {
            LOG.debug("Route {}: the request made for the backend holds CR, LF or NUL; answering 400, nothing sent",
                    target.route().name());
            exchange.response().error(400);
            return;
        }
        active.add(p);
        p.start();
    }

    @Override
    public void update(ForwardSettings s) {
        this.settings = s;
    }

    NetworkCore core() {
        return core;
    }

    BackendPool pool() {
        return pool;
    }

    Tunnels tunnels() {
        return tunnels;
    }

    /** Whether the module is stopping. */
    boolean closed() {
        return closed;
    }

    void forget(ProxyExchange p) {
        active.remove(p);
    }

    /**
     * The module stops (SPEC §4.9): new requests for it get 503; its WebSocket tunnels end with a 1001 close frame
     * to both ends and its exchanges in flight may finish, until the core's stop deadline ({@code shutdown.timeout});
     * then whatever is left is cut. Waits on the calling thread, the module's stopping one.
     */
    @Override
    public void close() {
        closed = true;
        reaping.run();
        long deadline = core.stopDeadline();
        for (ProxyExchange p : active) {
            p.goAway();
        }
        if (!NetworkCore.awaitUntil(active::isEmpty, deadline)) {
            LOG.info("{} exchange(s) or tunnel(s) still open at shutdown.timeout: cut", active.size());
            for (ProxyExchange p : active) {
                p.shutdown();
            }
        }
        pool.closeAll();
    }
}
