package io.passerelle.balancer.internal;

import java.net.URI;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.Exchange;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;
import io.passerelle.api.SchemeHandler;
import io.passerelle.api.spi.LbMethod;
import io.passerelle.common.osgi.ServiceProperties;

/**
 * The {@code balancer://NAME} scheme (SPEC §3 step 5, §4.5): resolves the balancer, elects a member with the
 * balancer's lbmethod service (found through the {@link BalancerRegistry}), and hands the exchange to the
 * scheme handler of the member's URL. The lbmethods and the member schemes' handlers are whiteboard services
 * that may come and go: a balancer whose method or member handler is missing answers {@code 503} and logs
 * one WARN until it appears.
 */
@Component(property = SchemeHandler.SCHEME + "=balancer")
public final class BalancerHandler implements SchemeHandler {

    private static final Logger LOG = LoggerFactory.getLogger(BalancerHandler.class);
    /** The feature serving each scheme a member may have, for the WARN when it is missing. */
    private static final Map<String, String> FEATURES = Map.of("http", "passerelle-http", "https", "passerelle-http",
            "ws", "passerelle-wstunnel", "wss", "passerelle-wstunnel");

    private final BalancerRegistry registry;
    private final Map<String, SchemeHandler> handlers = new ConcurrentHashMap<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    @Activate
    public BalancerHandler(@Reference BalancerRegistry registry) {
        this.registry = registry;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(!(" + SchemeHandler.SCHEME + "=balancer))")
    void bindSchemeHandler(SchemeHandler handler, Map<String, Object> props) {
        for (String scheme : ServiceProperties.names(props.get(SchemeHandler.SCHEME))) {
            handlers.put(scheme, handler);
            warned.remove("scheme|" + scheme);
        }
    }

    void unbindSchemeHandler(SchemeHandler handler, Map<String, Object> props) {
        for (String scheme : ServiceProperties.names(props.get(SchemeHandler.SCHEME))) {
            handlers.remove(scheme, handler);
        }
    }

    @Override
    public boolean accepts(RequestHead request, ProxyTarget target) {
        Balancer b = registry.byName(balancerName(target.url()));
        if (b == null) {
            return true;
        }
        Member first = b.members().get(0);
        SchemeHandler h = handlers.get(first.spec().scheme());
        return h == null || h.accepts(request, memberTarget(first, target));
    }

    @Override
    public void handle(Exchange exchange, ProxyTarget target) {
        String name = balancerName(target.url());
        Balancer b = registry.byName(name);
        if (b == null) {
            if (warned.add("balancer|" + name)) {
                LOG.warn("Route {}: no balancer named '{}' (etc/io.passerelle.balancer-{}.cfg) – answering 503",
                        target.route().name(), name, name);
            }
            exchange.response().error(503);
            return;
        }
        warned.remove("balancer|" + name);
        LbMethod method = registry.method(b);
        if (method == null) {
            exchange.response().error(503);
            return;
        }
        new BalancedExchange(this, b, method, exchange, target).start();
    }

    SchemeHandler handlerFor(String scheme) {
        return handlers.get(scheme);
    }

    void missingScheme(Balancer b, Member m) {
        String scheme = m.spec().scheme();
        if (warned.add("scheme|" + scheme)) {
            LOG.warn("Balancer {}: no handler for {}:// (member {}) – install feature {} (answering 503 meanwhile)",
                    b.name(), scheme, m, FEATURES.getOrDefault(scheme, "serving " + scheme + "://"));
        }
    }

    /** {@code balancer://NAME/rest?q} served by member {@code URL}: {@code URL/rest?q}. */
    ProxyTarget memberTarget(Member m, ProxyTarget target) {
        String base = m.spec().urlText();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String path = target.url().getRawPath();
        String query = target.url().getRawQuery();
        StringBuilder u = new StringBuilder(base);
        u.append(path == null || path.isEmpty() ? "/" : path);
        if (query != null) {
            u.append('?').append(query);
        }
        // a ws:// member allows Upgrade: websocket on a balancer:// route without an upgrade key
        // (RouteOptions.upgradeFor takes the member's scheme)
        return new ProxyTarget(URI.create(u.toString()), target.route());
    }

    static String balancerName(URI url) {
        String host = url.getHost();
        if (host == null) {
            host = url.getRawAuthority();
        }
        return host == null ? "" : host;
    }
}
