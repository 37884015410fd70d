package io.passerelle.core.internal.route;

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

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;
import io.passerelle.common.config.InForce;

/**
 * One route per {@code io.passerelle.route} factory configuration. An invalid configuration logs one ERROR
 * and leaves the last good version of the route in the table.
 */
@Component(configurationPid = RouteComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = RouteConfig.class, factory = true)
public final class RouteComponent {

    static final String PID = "io.passerelle.route";
    private static final Logger LOG = LoggerFactory.getLogger(RouteComponent.class);

    private final RouteTable table;
    private volatile String pid;
    /** An update equal to the configuration in force is a no-op (SPEC §8). */
    private final InForce inForce = new InForce();

    @Activate
    public RouteComponent(@Reference RouteTable table, RouteConfig config, Map<String, Object> props) {
        this.table = table;
        apply(config, props);
    }

    @Modified
    void modified(RouteConfig config, Map<String, Object> props) {
        apply(config, props);
    }

    private synchronized void apply(RouteConfig config, Map<String, Object> props) {
        Config c = Config.of(config, PID, props);
        pid = c.pid();
        if (inForce.unchanged(c, LOG)) {
            return; // the route keeps its generation
        }
        try {
            RouteSpec spec = RouteSpec.from(c);
            Route route = table.put(c.pid(), spec);
            inForce.taken();
            LOG.info("Route {} ({} -> {}) is generation {}", spec.name(), spec.pattern(),
                    spec.excluded() ? "!" : spec.url(), route.generation());
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()));
        }
    }

    @Deactivate
    void deactivate() {
        table.remove(pid);
        LOG.info("Route configuration {} removed", pid);
    }
}
