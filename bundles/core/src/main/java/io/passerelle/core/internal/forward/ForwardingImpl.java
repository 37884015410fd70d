package io.passerelle.core.internal.forward;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.Exchange;
import io.passerelle.api.ForwardSettings;
import io.passerelle.api.Forwarding;
import io.passerelle.api.ProxyTarget;

/** One module's forwarding: its pool (reaped on the core's timer), its exchanges in flight. */
final class ForwardingImpl implements Forwarding {

    private static final Logger LOG = LoggerFactory.getLogger(ForwardingImpl.class);

    private final BackendPool pool = new BackendPool();
    private final Set<ProxyExchange> active = ConcurrentHashMap.newKeySet();
    private final Set<String> unverified = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> reaping;
    private volatile ForwardSettings settings;
    private volatile boolean closed;

    ForwardingImpl(ForwardSettings settings, ScheduledThreadPoolExecutor timer) {
        this.settings = settings;
        this.reaping = timer.scheduleWithFixedDelay(() -> pool.reap(this.settings.poolIdleTimeoutMillis()), 1, 1,
                TimeUnit.SECONDS);
    }

    @Override
    public void forward(Exchange exchange, ProxyTarget target, String upgrade, long tunnelIdleMillis) {
        if (closed) {
            exchange.response().error(503);
            return;
        }
        if (!target.route().options().tlsVerify() && unverified.add(target.route().name())) {
            LOG.warn("Route {}: tls.verify = false, backend certificates and host names are not checked",
                    target.route().name());
        }
        ProxyExchange p = new ProxyExchange(this, exchange, target, settings, upgrade, tunnelIdleMillis);
        active.add(p);
        p.start();
    }

    @Override
    public void update(ForwardSettings s) {
        this.settings = s;
    }

    BackendPool pool() {
        return pool;
    }

    void forget(ProxyExchange p) {
        active.remove(p);
    }

    @Override
    public void close() {
        closed = true;
        reaping.cancel(false);
        for (ProxyExchange p : active) {
            p.shutdown();
        }
        pool.closeAll();
    }
}
