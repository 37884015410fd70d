package io.passerelle.core.internal.forward;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.passerelle.api.ForwardSettings;
import io.passerelle.api.Forwarding;
import io.passerelle.api.HttpForwarder;
import io.passerelle.core.internal.front.ClientConnections;
import io.passerelle.core.internal.net.NetworkCore;
import io.passerelle.core.internal.tunnel.Tunnels;

/** The core's {@link HttpForwarder} service: the forwarding engine the http and wstunnel modules share. */
@Component(service = HttpForwarder.class)
public final class HttpForwarderImpl implements HttpForwarder {

    private final NetworkCore core;
    private final ClientConnections connections;
    private final Tunnels tunnels;

    @Activate
    public HttpForwarderImpl(@Reference NetworkCore core, @Reference ClientConnections connections,
            @Reference Tunnels tunnels) {
        this.core = core;
        this.connections = connections;
        this.tunnels = tunnels;
    }

    @Override
    public Forwarding open(ForwardSettings settings) {
        return new ForwardingImpl(settings, core, connections, tunnels);
    }
}
