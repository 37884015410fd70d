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
import io.passerelle.api.HttpForwarder;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.SchemeHandler;
import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;
import io.passerelle.common.config.InForce;

/**
 * The {@code http://} and {@code https://} scheme handler (mod_proxy_http), configured by
 * {@code io.passerelle.http}. It forwards through its own {@link Forwarding} of the core's engine, so its pools,
 * exchanges and tunnels end when it stops.
 */
@Component(service = SchemeHandler.class, property = {SchemeHandler.SCHEME + "=http", SchemeHandler.SCHEME + "=https"},
        configurationPid = HttpSchemeHandler.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = HttpProxyConfig.class)
public final class HttpSchemeHandler implements SchemeHandler {

    static final String PID = "io.passerelle.http";
    private static final Logger LOG = LoggerFactory.getLogger(HttpSchemeHandler.class);

    private final Forwarding forwarding;
    private volatile ForwardSettings settings;
    /** An update equal to the configuration in force is a no-op (SPEC §8). */
    private final InForce inForce = new InForce();

    @Activate
    public HttpSchemeHandler(@Reference HttpForwarder forwarder, HttpProxyConfig config, Map<String, Object> props) {
        settings = settings(config, props, defaults());
        forwarding = forwarder.open(settings);
        inForce.unchanged(Config.of(config, PID, props), LOG);
        inForce.taken();
    }

    @Modified
    synchronized void modified(HttpProxyConfig config, Map<String, Object> props) {
        if (inForce.unchanged(Config.of(config, PID, props), LOG)) {
            return;
        }
        ForwardSettings s = settings(config, props, null);
        if (s != null) {
            settings = s;
            forwarding.update(s);
            inForce.taken();
        }
    }

    /** The settings in force. */
    ForwardSettings settings() {
        return settings;
    }

    private static ForwardSettings defaults() {
        return HttpSettings.from(Config.of(HttpProxyConfig.class, PID, Map.of()));
    }

    /** The settings of the configuration, or {@code otherwise} (null: keep the current ones) when it is invalid. */
    private static ForwardSettings settings(HttpProxyConfig config, Map<String, Object> props,
            ForwardSettings otherwise) {
        Config c = Config.of(config, PID, props);
        try {
            return HttpSettings.from(c);
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()));
            return otherwise;
        }
    }

    /** An {@code upgrade} route tunnels the client's protocol when the route allows it (SPEC §4.4). */
    @Override
    public void handle(Exchange exchange, ProxyTarget target) {
        forwarding.forward(exchange, target, target.upgradeToForward(exchange.request()),
                target.route().options().timeoutMillis());
    }

    @Deactivate
    public void deactivate() {
        forwarding.close();
        LOG.info("HTTP proxy module stopped: its exchanges ended, its pooled connections closed");
    }
}
