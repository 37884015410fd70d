package io.passerelle.demo.internal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wiring: turns the {@code io.passerelle.demo} configuration into running {@link DemoServers}.
 * An invalid configuration is logged and ignored; the last good one keeps running.
 */
@Component(
        configurationPid = "io.passerelle.demo",
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        service = {})
@Designate(ocd = DemoConfig.class)
public final class DemoBackendsComponent {

    private static final Logger LOG = LoggerFactory.getLogger(DemoBackendsComponent.class);

    private DemoSettings settings;
    private DemoServers servers;

    @Activate
    synchronized void activate(DemoConfig config) {
        apply(config);
    }

    @Modified
    synchronized void modified(DemoConfig config) {
        apply(config);
    }

    @Deactivate
    synchronized void deactivate() {
        if (servers != null) {
            servers.close();
            servers = null;
        }
    }

    private void apply(DemoConfig config) {
        DemoSettings next;
        try {
            next = DemoSettings.from(config);
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid configuration io.passerelle.demo, {}; {}", e.getMessage(),
                    servers == null ? "demo backends not started" : "keeping " + settings);
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
