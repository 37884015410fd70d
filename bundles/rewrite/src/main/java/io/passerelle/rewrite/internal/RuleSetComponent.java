package io.passerelle.rewrite.internal;

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
 * One rule set per {@code io.passerelle.rewrite} factory configuration. An invalid configuration logs one
 * ERROR line (file, key, reason) and leaves the last good version of the rule set in force.
 */
@Component(configurationPid = RuleSetSource.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = RewriteConfig.class, factory = true)
public final class RuleSetComponent {

    private static final Logger LOG = LoggerFactory.getLogger(RuleSetComponent.class);

    private final RewriteService service;
    private volatile String pid;
    /** An update equal to the configuration in force is a no-op (SPEC §8). */
    private final InForce inForce = new InForce();

    @Activate
    public RuleSetComponent(@Reference RewriteService service, RewriteConfig config, Map<String, Object> props) {
        this.service = service;
        apply(Config.of(config, RuleSetSource.FACTORY_PID, props));
    }

    @Modified
    void modified(RewriteConfig config, Map<String, Object> props) {
        apply(Config.of(config, RuleSetSource.FACTORY_PID, props));
    }

    private synchronized void apply(Config c) {
        pid = c.pid();
        if (inForce.unchanged(c, LOG)) {
            return;
        }
        try {
            service.put(RuleSetSource.from(c));
            inForce.taken();
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()));
        }
    }

    @Deactivate
    void deactivate() {
        service.remove(pid);
    }
}
