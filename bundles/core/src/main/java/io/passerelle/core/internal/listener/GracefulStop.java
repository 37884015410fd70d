package io.passerelle.core.internal.listener;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.core.internal.front.ClientConnections;
import io.passerelle.core.internal.net.NetworkCore;
import io.passerelle.core.internal.tunnel.Tunnels;

/**
 * The first step of {@code bin/stop} (SPEC §4.9): when the framework begins to stop, before any bundle does, every
 * listener stops accepting, client connections between requests close, WebSocket tunnels are sent their 1001
 * close frames, and the core's stop deadline ({@code shutdown.timeout}) starts for everything else. The modules
 * and the listeners then stop in the framework's order, each letting what is in flight finish until that deadline.
 */
@Component(immediate = true, service = {})
public final class GracefulStop implements SynchronousBundleListener {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private final BundleContext context;
    private final NetworkCore core;
    private final ListenerRegistry listeners;
    private final ClientConnections connections;
    private final Tunnels tunnels;

    @Activate
    public GracefulStop(BundleContext context, @Reference NetworkCore core, @Reference ListenerRegistry listeners,
            @Reference ClientConnections connections, @Reference Tunnels tunnels) {
        this.context = context;
        this.core = core;
        this.listeners = listeners;
        this.connections = connections;
        this.tunnels = tunnels;
        context.addBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STOPPING && event.getBundle().getBundleId() == Constants.SYSTEM_BUNDLE_ID) {
            core.beginStop();
            listeners.stopAccepting();
            connections.drain(null);
            int open = tunnels.count();
            tunnels.goAwayAll();
            LOG.info("Stopping: listeners closed; {} tunnel(s) sent 1001 (going away); exchanges in flight may "
                    + "finish until shutdown.timeout", open);
        }
    }

    @Deactivate
    void deactivate() {
        context.removeBundleListener(this);
    }
}
