package io.passerelle.demo.internal;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/**
 * Wiring: turns the {@code io.passerelle.demo} configuration into running {@link DemoServers}.
 * An invalid configuration is logged and ignored; the last good one keeps running.
 */
@Component(
        configurationPid = DemoBackendsComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        service = {})
@Designate(ocd = DemoConfig.class)
public final class DemoBackendsComponent {

    static final String PID = "io.passerelle.demo";
    private static final Logger LOG = LoggerFactory.getLogger(DemoBackendsComponent.class);

    private DemoSettings settings;
    private DemoServers servers;

    @Activate
    synchronized void activate(DemoConfig config, Map<String, Object> props) {
        apply(Config.of(config, PID, props));
    }

    @Modified
    synchronized void modified(DemoConfig config, Map<String, Object> props) {
        apply(Config.of(config, PID, props));
    }

    @Deactivate
    synchronized void deactivate() {
        if (servers != null) {
            servers.close();
            servers = null;
        }
    }

    private void apply(Config c) {
        DemoSettings next;
        try {
            next = DemoSettings.from(c);
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()) + (servers == null ? "; demo backends not started" : ""));
            return;
        }
        if (servers != null && next.equals(settings)) {
            return;
        }
        deactivate();
        settings = next;
        servers = DemoServers.start(next);
    }
}
