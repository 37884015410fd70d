package io.passerelle.balancer.internal;

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
 * One balancer per {@code io.passerelle.balancer} factory configuration. An invalid configuration logs one
 * ERROR naming the file, the key and the reason, and the last good version keeps serving.
 */
@Component(configurationPid = BalancerSpec.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = BalancerConfig.class, factory = true)
public final class BalancerComponent {

    private static final Logger LOG = LoggerFactory.getLogger(BalancerComponent.class);

    private final BalancerRegistry registry;
    private volatile String pid;
    /** An update equal to the configuration in force is a no-op (SPEC §8). */
    private final InForce inForce = new InForce();

    @Activate
    public BalancerComponent(@Reference BalancerRegistry registry, BalancerConfig config, Map<String, Object> props) {
        this.registry = registry;
        apply(Config.of(config, BalancerSpec.FACTORY_PID, props));
    }

    @Modified
    void modified(BalancerConfig config, Map<String, Object> props) {
        apply(Config.of(config, BalancerSpec.FACTORY_PID, props));
    }

    private synchronized void apply(Config c) {
        pid = c.pid();
        if (inForce.unchanged(c, LOG)) {
            return;
        }
        try {
            registry.put(pid, BalancerSpec.from(c));
            inForce.taken();
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()));
        }
    }

    @Deactivate
    void deactivate() {
        registry.remove(pid);
    }
}
