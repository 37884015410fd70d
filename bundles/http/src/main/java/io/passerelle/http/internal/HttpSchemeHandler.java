package io.passerelle.http.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.Exchange;
import io.passerelle.api.ForwardSettings;
import io.passerelle.api.Forwarding;
import io.passerelle.api.HttpFields;
import io.passerelle.api.HttpForwarder;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.RouteOptions;
import io.passerelle.api.SchemeHandler;

/**
 * The {@code http://} and {@code https://} scheme handler (mod_proxy_http), configured by
 * {@code io.passerelle.http}. It forwards through its own {@link Forwarding} of the core, so its pools,
 * exchanges and tunnels end when it stops.
 */
@Component(service = SchemeHandler.class, property = {SchemeHandler.SCHEME + "=http", SchemeHandler.SCHEME + "=https"},
        configurationPid = HttpSchemeHandler.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HttpProxyConfig.class)
public final class HttpSchemeHandler implements SchemeHandler {

    static final String PID = "io.passerelle.http";
    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemeHandler.class);

    private final Forwarding forwarding;
    private volatile HttpSettings settings = HttpSettings.DEFAULTS;

    @Activate
    public HttpSchemeHandler(@Reference HttpForwarder forwarder, Map<String, Object> props) {
        apply(props);
        forwarding = forwarder.open(forwardSettings());
    }

    @Modified
    void modified(Map<String, Object> props) {
        apply(props);
        forwarding.update(forwardSettings());
    }

    private ForwardSettings forwardSettings() {
        HttpSettings s = settings;
        return new ForwardSettings(s.poolMaxPerBackend(), s.poolIdleTimeoutMillis(), s.via());
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

    /** An {@code upgrade} route tunnels the client's protocol when the route allows it (SPEC §4.4). */
    @Override
    public void handle(Exchange exchange, ProxyTarget target) {
        String upgrade = null;
        RouteOptions o = target.route().options();
        HttpFields h = exchange.request().headers();
        if (o.upgrade() != null && h.containsToken("Connection", "upgrade") && h.get("Upgrade") != null) {
            String asked = h.get("Upgrade");
            if (o.allowsUpgrade(asked)) {
                upgrade = RouteOptions.UPGRADE_NONE.equals(o.upgrade()) ? "websocket" : asked;
            }
        }
        forwarding.forward(exchange, target, upgrade, o.timeoutMillis());
    }

    @Deactivate
    public void deactivate() {
        forwarding.close();
        LOG.info("HTTP proxy module stopped: its exchanges ended, its pooled connections closed");
    }
}
