package io.passerelle.cluster.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.ClusterMembership;
import io.passerelle.api.SharedHealth;
import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/**
 * Wiring: turns the {@code io.passerelle.cluster} configuration into a running {@link ClusterNode} and registers it
 * as {@link ClusterMembership} while it runs. An invalid configuration is logged and ignored; the last good one
 * keeps running. A changed one leaves the cluster and joins again.
 */
@Component(
        configurationPid = ClusterComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true,
        service = {})
@Designate(ocd = ClusterConfig.class)
public final class ClusterComponent {

    static final String PID = "io.passerelle.cluster";
    private static final Logger LOG = LoggerFactory.getLogger(ClusterComponent.class);

    private BundleContext context;
    private ClusterSettings settings;
    private ClusterNode node;
    private ServiceRegistration<ClusterMembership> registration;
    private ServiceRegistration<SharedHealth> healthRegistration;

    @Activate
    synchronized void activate(BundleContext context, ClusterConfig config, Map<String, Object> props) {
        this.context = context;
        apply(Config.of(config, PID, props));
    }

    @Modified
    synchronized void modified(ClusterConfig config, Map<String, Object> props) {
        apply(Config.of(config, PID, props));
    }

    @Deactivate
    synchronized void deactivate() {
        if (healthRegistration != null) {
            healthRegistration.unregister();
            healthRegistration = null;
        }
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (node != null) {
            node.stop();
            node = null;
        }
    }

    private void apply(Config c) {
        ClusterSettings next;
        try {
            c.requireKnownKeys();
            next = ClusterSettings.from(c);
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()) + (node == null ? "; this node is not in a cluster" : ""));
            return;
        }
        if (node != null && next.equals(settings)) {
            return;
        }
        String etc = System.getProperty("karaf.etc");
        String data = System.getProperty("karaf.data");
        if (etc == null || data == null) {
            LOG.error("Invalid configuration {}: karaf.etc and karaf.data are not set: this is not a Karaf; not in "
                    + "a cluster", c.origin());
            return;
        }
        if (!Files.isDirectory(Path.of(etc))) {
            LOG.error("Invalid configuration {}: {} (karaf.etc) is not a directory; not in a cluster", c.origin(), etc);
            return;
        }
        deactivate();
        settings = next;
        Path state = Path.of(data, "passerelle-cluster");
        node = new ClusterNode(next, Path.of(etc), state);
        node.start();
        registration = context.registerService(ClusterMembership.class, node, null);
        if (node.health() != null) {
            healthRegistration = context.registerService(SharedHealth.class, node.health(), null);
        }
        LOG.info("Node {} joining cluster {} on {} (members {}; files kept local: {}; health-check verdicts {})",
                next.nodeName(), next.clusterName(), next.address(), String.join(", ", next.members()),
                next.localFiles().isEmpty() ? "none" : String.join(", ", next.localFiles()),
                next.shareHealth() ? "shared" : "per node");
    }
}
