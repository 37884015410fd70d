package io.passerelle.core.internal.forward;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.passerelle.api.ForwardSettings;
import io.passerelle.api.Forwarding;
import io.passerelle.api.HttpForwarder;
import io.passerelle.core.internal.net.NetworkCore;

/** The core's {@link HttpForwarder} service. */
@Component(service = HttpForwarder.class)
public final class HttpForwarderImpl implements HttpForwarder {

    private final NetworkCore core;

    @Activate
    public HttpForwarderImpl(@Reference NetworkCore core) {
        this.core = core;
    }

    @Override
    public Forwarding open(ForwardSettings settings) {
        return new ForwardingImpl(settings, core.timer());
    }
}
