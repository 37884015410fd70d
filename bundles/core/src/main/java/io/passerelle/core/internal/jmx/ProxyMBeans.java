package io.passerelle.core.internal.jmx;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.ProxyStatus;

/**
 * Registers {@link ProxyMXBean} in the platform MBean server (the one Karaf's JMX connector serves) while
 * the core runs; the figures come from the same {@link ProxyStatus} service as the shell's.
 */
@Component(service = {})
public final class ProxyMBeans implements ProxyMXBean {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyMBeans.class);

    private final ProxyStatus status;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private ObjectName name;

    @Activate
    public ProxyMBeans(@Reference ProxyStatus status) {
        this.status = status;
        try {
            ObjectName n = new ObjectName(OBJECT_NAME);
            if (server.isRegistered(n)) {
                server.unregisterMBean(n); // left by a previous instance of this bundle that could not clean up
            }
            server.registerMBean(this, n);
            name = n;
        } catch (JMException e) {
            LOG.warn("Could not register the MBean {}: {}", OBJECT_NAME, e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        if (name != null) {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("MBean {} already gone", name);
            }
        }
    }

    @Override
    public RouteData[] getRoutes() {
        return status.routes().stream().map(r -> new RouteData(r.name(), r.pathOrMatch(), r.url(), r.order(),
                r.generation(), r.state(), r.requests(), r.openTunnels(), r.errors())).toArray(RouteData[]::new);
    }

    @Override
    public TunnelData[] getTunnels() {
        return status.tunnels().stream().map(t -> new TunnelData(t.client(), t.backend(), t.route(), t.generation(),
                t.ageMillis(), t.bytesToBackend(), t.bytesToClient())).toArray(TunnelData[]::new);
    }

    @Override
    public ListenerData[] getListeners() {
        return status.listeners().stream()
                .map(l -> new ListenerData(l.name(), l.address(), l.tls(), l.openConnections()))
                .toArray(ListenerData[]::new);
    }
}
