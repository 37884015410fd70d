package io.passerelle.core.internal.status;

import java.util.ArrayList;
import java.util.List;

import javax.management.DynamicMBean;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.passerelle.api.ProxyStatus;
import io.passerelle.core.internal.listener.ListenerRegistry;
import io.passerelle.core.internal.route.Dispatcher;
import io.passerelle.core.internal.route.Route;
import io.passerelle.core.internal.route.RouteTable;
import io.passerelle.core.internal.tunnel.Tunnels;

/**
 * The core's figures for shells and status pages ({@link ProxyStatus}), and the same figures as the MXBean
 * {@code io.passerelle:type=Proxy}: a {@link DynamicMBean} service with a {@code jmx.objectname} property, which
 * Karaf's JMX whiteboard (Aries JMX, in the {@code management} feature) puts into the MBean server its connector
 * serves, and takes out when the core stops.
 */
@Component(service = {ProxyStatus.class, DynamicMBean.class},
        property = "jmx.objectname=" + ProxyMXBean.OBJECT_NAME)
public final class CoreStatus extends StandardMBean implements ProxyStatus, ProxyMXBean {

    private final RouteTable table;
    private final Dispatcher dispatcher;
    private final ListenerRegistry listeners;
    private final Tunnels tunnels;

    @Activate
    public CoreStatus(@Reference RouteTable table, @Reference Dispatcher dispatcher,
            @Reference ListenerRegistry listeners, @Reference Tunnels tunnels) throws NotCompliantMBeanException {
        super(ProxyMXBean.class, true);
        this.table = table;
        this.dispatcher = dispatcher;
        this.listeners = listeners;
        this.tunnels = tunnels;
    }

    @Override
    public List<RouteView> routes() {
        List<RouteView> out = new ArrayList<>();
        for (Route r : table.routes()) {
            String scheme = r.spec().scheme();
            String state = r.spec().excluded() || dispatcher.hasHandler(scheme) ? "active"
                    : "waiting for " + Dispatcher.featureFor(scheme);
            out.add(new RouteView(r.name(), r.spec().pattern(), r.spec().excluded() ? "!" : r.spec().url(),
                    r.spec().order(), r.generation(), state, r.stats().requests(), r.stats().tunnels(),
                    r.stats().errors()));
        }
        return out;
    }

    @Override
    public List<RouteFigures> routeFigures() {
        List<RouteFigures> out = new ArrayList<>();
        for (Route r : table.routes()) {
            Route.Stats st = r.stats();
            out.add(new RouteFigures(r.name(), r.generation(), st.responses(), st.errors(), st.tunnels(),
                    st.tunnelsTotal(), st.bytesIn(), st.bytesOut(), st.latency()));
        }
        return out;
    }

    @Override
    public List<ListenerView> listeners() {
        return listeners.views();
    }

    @Override
    public List<TunnelView> tunnels() {
        return tunnels.views();
    }

    // ---- the same figures as the MXBean's open types

    @Override
    public RouteData[] getRoutes() {
        return routes().stream().map(r -> new RouteData(r.name(), r.pathOrMatch(), r.url(), r.order(),
                r.generation(), r.state(), r.requests(), r.openTunnels(), r.errors())).toArray(RouteData[]::new);
    }

    @Override
    public TunnelData[] getTunnels() {
        return tunnels().stream().map(t -> new TunnelData(t.client(), t.backend(), t.route(), t.generation(),
                t.ageMillis(), t.bytesToBackend(), t.bytesToClient())).toArray(TunnelData[]::new);
    }

    @Override
    public ListenerData[] getListeners() {
        return listeners().stream().map(l -> new ListenerData(l.name(), l.address(), l.tls(), l.openConnections()))
                .toArray(ListenerData[]::new);
    }
}
