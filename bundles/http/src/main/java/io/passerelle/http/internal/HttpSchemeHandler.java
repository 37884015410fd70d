package io.passerelle.http.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.Exchange;
import io.passerelle.api.HttpFields;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;
import io.passerelle.api.RouteOptions;
import io.passerelle.api.SchemeHandler;

/**
 * The {@code http://} and {@code https://} scheme handler (mod_proxy_http). Configured by {@code io.passerelle.http}; keeps the
 * keep-alive pools; on deactivation closes every connection it opened and ends its exchanges.
 */
@Component(service = SchemeHandler.class, property = {SchemeHandler.SCHEME + "=http", SchemeHandler.SCHEME + "=https"},
        configurationPid = HttpSchemeHandler.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HttpProxyConfig.class)
public final class HttpSchemeHandler implements SchemeHandler {

    static final String PID = "io.passerelle.http";
    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemeHandler.class);

    private final BackendPool pool = new BackendPool();
    private final Set<ProxyExchange> active = ConcurrentHashMap.newKeySet();
    private final Set<String> unverified = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService reaper;
    private volatile HttpSettings settings = HttpSettings.DEFAULTS;

    @Activate
    public HttpSchemeHandler(Map<String, Object> props) {
        apply(props);
        reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "passerelle-http-pool-reaper");
            t.setDaemon(true);
            return t;
        });
        reaper.scheduleWithFixedDelay(() -> pool.reap(settings.poolIdleTimeoutMillis()), 1, 1, TimeUnit.SECONDS);
    }

    @Modified
    void modified(Map<String, Object> props) {
        apply(props);
    }

    private void apply(Map<String, Object> props) {
        try {
            settings = HttpSettings.from(props);
        } catch (HttpSettings.Invalid e) {
            Object file = props.get("felix.fileinstall.filename");
            LOG.error("Invalid configuration {}: key '{}': {} (the previous configuration stays in force)",
                    file != null ? file.toString().replaceFirst("^file:", "") : PID, e.key, e.getMessage());
        }
    }

    @Override
    public void handle(Exchange exchange, ProxyTarget target) {
        RequestHead req = exchange.request();
        String upgrade = null;
        RouteOptions o = target.route().options();
        HttpFields h = req.headers();
        if (o.upgrade() != null && h.containsToken("Connection", "upgrade") && h.get("Upgrade") != null) {
            String asked = h.get("Upgrade");
            if (o.allowsUpgrade(asked)) {
                upgrade = RouteOptions.UPGRADE_NONE.equals(o.upgrade()) ? "websocket" : asked;
            }
        }
        if (!o.tlsVerify() && unverified.add(target.route().name())) {
            LOG.warn("Route {}: tls.verify = false, backend certificates and host names are not checked",
                    target.route().name());
        }
        ProxyExchange p = new ProxyExchange(this, exchange, target, settings, upgrade);
        active.add(p);
        p.start();
    }

    BackendPool pool() {
        return pool;
    }

    void forget(ProxyExchange p) {
        active.remove(p);
    }

    @Deactivate
    public void deactivate() {
        reaper.shutdownNow();
        for (ProxyExchange p : active) {
            p.shutdown();
        }
        pool.closeAll();
        LOG.info("HTTP proxy module stopped: pooled connections closed, {} exchanges ended", active.size());
    }
}
