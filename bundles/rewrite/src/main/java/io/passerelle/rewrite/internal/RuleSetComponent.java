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

    @Activate
    public RuleSetComponent(@Reference RewriteService service, Map<String, Object> props) {
        this.service = service;
        apply(props);
    }

    @Modified
    void modified(Map<String, Object> props) {
        apply(props);
    }

    private void apply(Map<String, Object> props) {
        Object p = props.get("service.pid");
        pid = p == null ? null : p.toString();
        Object file = props.get("felix.fileinstall.filename");
        String origin = file != null ? file.toString().replaceFirst("^file:", "") : pid;
        try {
            service.put(RuleSetSource.from(props));
        } catch (RewriteConfigException e) {
            LOG.error(e.describe(origin));
        }
    }

    @Deactivate
    void deactivate() {
        service.remove(pid);
    }
}
