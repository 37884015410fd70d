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

    @Activate
    public BalancerComponent(@Reference BalancerRegistry registry, Map<String, Object> props) {
        this.registry = registry;
        apply(props);
    }

    @Modified
    void modified(Map<String, Object> props) {
        apply(props);
    }

    private void apply(Map<String, Object> props) {
        pid = String.valueOf(props.get("service.pid"));
        try {
            BalancerSpec spec = BalancerSpec.from(props);
            registry.put(pid, spec);
        } catch (ConfigError e) {
            LOG.error(e.describe(BalancerSpec.origin(props)));
        }
    }

    @Deactivate
    void deactivate() {
        registry.remove(pid);
    }
}
