package io.passerelle.wstunnel.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.Exchange;
import io.passerelle.api.ForwardSettings;
import io.passerelle.api.Forwarding;
import io.passerelle.api.HttpFields;
import io.passerelle.api.HttpForwarder;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RequestHead;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.SchemeHandler;
import io.passerelle.api.Upgrade;
import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/**
 * The {@code ws://} and {@code wss://} scheme handler (mod_proxy_wstunnel, SPEC §4.3): an upgrade the route
 * allows is forwarded with the client's {@code Upgrade} value as sent and {@code Sec-WebSocket-*} untouched,
 * and becomes a byte tunnel on a matching {@code 101}; anything else falls back to plain HTTP through the
 * http module, or lets the next route try (no upgrade), or is answered {@code 426} (an upgrade the route
 * does not allow). Stopping the module closes its tunnels.
 */
@Component(service = SchemeHandler.class, property = {SchemeHandler.SCHEME + "=ws", SchemeHandler.SCHEME + "=wss"},
        configurationPid = WsTunnelHandler.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = WsTunnelConfig.class)
public final class WsTunnelHandler implements SchemeHandler {

    static final String PID = "io.passerelle.wstunnel";
    private static final Logger LOG = LoggerFactory.getLogger(WsTunnelHandler.class);

    /** What a request on a ws:// route gets. */
    enum Decision { TUNNEL, FALLBACK, NEXT_ROUTE, UPGRADE_REQUIRED }

    /** The validated {@code io.passerelle.wstunnel} configuration. */
    record Settings(boolean fallbackToHttp, long idleTimeoutMillis) {
        static Settings from(Config c) {
            return new Settings(c.bool("fallback.to.http"), c.duration("idle.timeout"));
        }
    }

    private final Forwarding forwarding;
    private volatile Settings settings;
    private volatile SchemeHandler http;

    @Activate
    public WsTunnelHandler(@Reference HttpForwarder forwarder, WsTunnelConfig config, Map<String, Object> props) {
        settings = Settings.from(Config.of(WsTunnelConfig.class, PID, Map.of()));
        apply(config, props);
        // tunnels carry no keep-alive: no pool
        forwarding = forwarder.open(new ForwardSettings(0, 30_000, false));
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, target = "(" + SchemeHandler.SCHEME + "=http)")
    public void bindHttp(SchemeHandler handler) {
        this.http = handler;
    }

    public void unbindHttp(SchemeHandler handler) {
        if (this.http == handler) {
            this.http = null;
        }
    }

    @Modified
    void modified(WsTunnelConfig config, Map<String, Object> props) {
        apply(config, props);
    }

    private void apply(WsTunnelConfig config, Map<String, Object> props) {
        Config c = Config.of(config, PID, props);
        try {
            settings = Settings.from(c);
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()));
        }
    }

    Decision decide(RequestHead request, ProxyTarget target) {
        if (target.upgradeToForward(request) != null) {
            return Decision.TUNNEL;
        }
        if (settings.fallbackToHttp() && http != null) {
            return Decision.FALLBACK;
        }
        boolean asked = request.headers().get("Upgrade") != null && request.headers().containsToken("Connection", "upgrade");
        return asked ? Decision.UPGRADE_REQUIRED : Decision.NEXT_ROUTE;
    }

    @Override
    public boolean accepts(RequestHead request, ProxyTarget target) {
        return decide(request, target) != Decision.NEXT_ROUTE;
    }

    @Override
    public void handle(Exchange exchange, ProxyTarget target) {
        switch (decide(exchange.request(), target)) {
            case TUNNEL -> {
                long idle = settings.idleTimeoutMillis() > 0 ? settings.idleTimeoutMillis()
                        : target.route().options().timeoutMillis();
                forwarding.forward(exchange, httpTarget(target), target.upgradeToForward(exchange.request()), idle);
            }
            case FALLBACK -> {
                SchemeHandler h = http;
                if (h != null) {
                    h.handle(exchange, httpTarget(target));
                } else {
                    exchange.response().error(503);
                }
            }
            case UPGRADE_REQUIRED -> {
                Upgrade allowed = target.route().options().upgradeFor(target.url().getScheme());
                HttpFields f = new HttpFields().add("Upgrade", String.valueOf(allowed)).add("Content-Length", "0");
                exchange.response().head(new ResponseHead(426, "Upgrade Required", f));
                exchange.response().end();
            }
            default -> exchange.response().error(404);
        }
    }

    /** The same URL with {@code http://} for {@code ws://} and {@code https://} for {@code wss://}. */
    static ProxyTarget httpTarget(ProxyTarget target) {
        URI u = target.url();
        String scheme = "wss".equalsIgnoreCase(u.getScheme()) ? "https" : "http";
        try {
            return new ProxyTarget(new URI(scheme + u.toString().substring(u.getScheme().length())), target.route());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Deactivate
    public void deactivate() {
        forwarding.close();
        LOG.info("WebSocket tunnel module stopped: its tunnels closed");
    }
}
