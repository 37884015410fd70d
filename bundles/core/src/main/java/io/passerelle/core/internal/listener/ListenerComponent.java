package io.passerelle.core.internal.listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;

import org.apache.mina.core.filterchain.IoFilter;
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
import io.passerelle.core.internal.front.AccessLog;
import io.passerelle.core.internal.front.ClientConnections;
import io.passerelle.core.internal.front.FrontEnd;
import io.passerelle.core.internal.net.Listening;
import io.passerelle.core.internal.net.NetworkCore;
import io.passerelle.core.internal.route.Dispatcher;
import io.passerelle.core.internal.tls.ServerTls;

/**
 * One listening socket per {@code io.passerelle.listener} factory configuration. A change of address or TLS
 * binds the new socket first, then closes the old one; connections already accepted keep going.
 */
@Component(configurationPid = ListenerComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = ListenerConfig.class, factory = true)
public final class ListenerComponent {

    static final String PID = "io.passerelle.listener";
    private static final Logger LOG = LoggerFactory.getLogger(ListenerComponent.class);

    private final NetworkCore core;
    private final Dispatcher dispatcher;
    private final AccessLog accessLog;
    private final ClientConnections connections;
    private final ListenerRegistry registry;
    private ListenerRuntime runtime;
    private String registeredAs;

    @Activate
    public ListenerComponent(@Reference NetworkCore core, @Reference Dispatcher dispatcher,
            @Reference AccessLog accessLog, @Reference ClientConnections connections,
            @Reference ListenerRegistry registry, ListenerConfig config, Map<String, Object> props) {
        this.core = core;
        this.dispatcher = dispatcher;
        this.accessLog = accessLog;
        this.connections = connections;
        this.registry = registry;
        apply(Config.of(config, PID, props));
    }

    @Modified
    public void modified(ListenerConfig config, Map<String, Object> props) {
        apply(Config.of(config, PID, props));
    }

    private synchronized void apply(Config c) {
        ListenerSpec spec;
        try {
            spec = ListenerSpec.from(c);
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()));
            return;
        }
        if (runtime != null && runtime.spec().sameSocket(spec)) {
            runtime.spec(spec);
            register(spec.name());
            return;
        }
        ListenerRuntime next = new ListenerRuntime(spec,
                new FrontEnd(spec.name(), spec.tls(), spec.limits(), dispatcher, accessLog, connections));
        try {
            next.socket(bind(next, spec));
        } catch (ConfigException e) {
            LOG.error(e.describe(c.origin()));
            return;
        } catch (IOException e) {
            LOG.error(new ConfigException("port", "cannot listen on " + spec.host() + ":" + spec.port() + ": "
                    + e.getMessage()).describe(c.origin()));
            return;
        }
        ListenerRuntime old = runtime;
        runtime = next;
        register(spec.name());
        if (old != null) {
            old.socket().dispose();
        }
        LOG.info("Listener {} on {}:{}{}", spec.name(), spec.host(), spec.port(), spec.tls() ? " (TLS)" : "");
    }

    private Listening bind(ListenerRuntime rt, ListenerSpec spec) throws IOException {
        IoFilter tls = spec.tls() ? ServerTls.filter(spec.keystore(), spec.keystorePassword()) : null;
        try {
            return core.listen(spec.name(), new InetSocketAddress(spec.host(), spec.port()), rt::accept, tls);
        } catch (RuntimeException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    private void register(String name) {
        if (registeredAs != null && !registeredAs.equals(name)) {
            registry.remove(registeredAs, runtime);
        }
        registeredAs = name;
        registry.put(name, runtime);
    }

    /**
     * The listener is removed, or the core stops (SPEC §4.9): it stops accepting at once; its connections between
     * requests close, those with an exchange under way close once it is over, and what is still open at the
     * core's stop deadline ({@code shutdown.timeout}) is cut. Tunnels are not its to end: their routes' modules
     * end them when they stop, and a tunnel outlives the removal of the listener it came through.
     */
    @Deactivate
    public synchronized void deactivate() {
        if (registeredAs != null) {
            registry.remove(registeredAs, runtime);
        }
        if (runtime != null && runtime.socket() != null) {
            Listening socket = runtime.socket();
            String name = runtime.name();
            socket.stopAccepting();
            connections.drain(name);
            if (!NetworkCore.awaitUntil(() -> connections.count(name) == 0, core.stopDeadline())) {
                LOG.info("Listener {}: {} connection(s) still busy at shutdown.timeout: cut", name,
                        connections.count(name));
                connections.close(name);
            }
            socket.dispose();
            LOG.info("Listener {} closed", name);
        }
    }

}
