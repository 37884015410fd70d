package io.passerelle.core.internal.net;

import java.util.ArrayList;
import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.passerelle.api.ProxyStatus;
import io.passerelle.core.internal.route.Route;
import io.passerelle.core.internal.route.RouteTable;

/** The core's figures for shells and JMX. */
@Component(service = ProxyStatus.class)
public final class CoreStatus implements ProxyStatus {

    private final RouteTable table;
    private final Dispatcher dispatcher;
    private final ListenerRegistry listeners;
    private final NetworkCore core;

    @Activate
    public CoreStatus(@Reference RouteTable table, @Reference Dispatcher dispatcher,
            @Reference ListenerRegistry listeners, @Reference NetworkCore core) {
        this.core = core;
        this.table = table;
        this.dispatcher = dispatcher;
        this.listeners = listeners;
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
    public List<ListenerView> listeners() {
        return listeners.views();
    }

    @Override
    public List<TunnelView> tunnels() {
        return core.tunnelViews();
    }
}
