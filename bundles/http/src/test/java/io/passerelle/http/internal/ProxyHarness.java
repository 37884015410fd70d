package io.passerelle.http.internal;

import java.util.HashMap;
import java.util.Map;

import io.passerelle.api.SchemeHandler;
import io.passerelle.common.config.Config;
import io.passerelle.core.internal.backend.BackendProbeImpl;
import io.passerelle.core.internal.forward.HttpForwarderImpl;
import io.passerelle.core.internal.front.AccessLog;
import io.passerelle.core.internal.front.ClientConnections;
import io.passerelle.core.internal.listener.ListenerComponent;
import io.passerelle.core.internal.listener.ListenerConfig;
import io.passerelle.core.internal.listener.ListenerRegistry;
import io.passerelle.core.internal.net.CoreConfig;
import io.passerelle.core.internal.net.NetworkCore;
import io.passerelle.core.internal.route.Dispatcher;
import io.passerelle.core.internal.route.RouteComponent;
import io.passerelle.core.internal.route.RouteConfig;
import io.passerelle.core.internal.route.RouteTable;
import io.passerelle.core.internal.tunnel.Tunnels;

/**
 * The real core and this module wired by hand as DS would wire them (no OSGi container): a listener on an
 * ephemeral loopback port, routes added from configuration maps.
 */
public final class ProxyHarness implements AutoCloseable {

    public final NetworkCore core;
    public final RouteTable table = new RouteTable();
    public final Dispatcher dispatcher = new Dispatcher(table);
    public final ListenerRegistry registry = new ListenerRegistry();
    public final ClientConnections connections = new ClientConnections();
    public final Tunnels tunnels = new Tunnels();
    public final HttpForwarderImpl forwarder;
    public final BackendProbeImpl probe;
    public final HttpSchemeHandler http;
    public final ListenerComponent listener;
    public final int port;

    public ProxyHarness(Map<String, Object> httpConfig, Map<String, Object> listenerConfig) {
        this(httpConfig, listenerConfig, Map.of());
    }

    /** With the core's configuration ({@code io.passerelle.core}, e.g. a short {@code shutdown.timeout}). */
    public ProxyHarness(Map<String, Object> httpConfig, Map<String, Object> listenerConfig,
            Map<String, Object> coreConfig) {
        core = new NetworkCore(Config.defaults(CoreConfig.class), coreConfig);
        forwarder = new HttpForwarderImpl(core, connections, tunnels);
        probe = new BackendProbeImpl(core, table);
        http = new HttpSchemeHandler(forwarder, Config.defaults(HttpProxyConfig.class), httpConfig);
        dispatcher.bindSchemeHandler(http, Map.of(SchemeHandler.SCHEME, new String[] {"http", "https"}));
        Map<String, Object> l = new HashMap<>(Map.of("service.pid", "io.passerelle.listener~main", "port", "0",
                "host", "127.0.0.1"));
        l.putAll(listenerConfig);
        listener = new ListenerComponent(core, dispatcher, new AccessLog(), connections, registry,
                Config.defaults(ListenerConfig.class), l);
        String address = registry.views().get(0).address();
        port = Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    public ProxyHarness() {
        this(Map.of(), Map.of());
    }

    /** Adds a route from its keys, e.g. {@code route("t", "path", "/t/", "url", "http://...")}. */
    public void route(String name, String... keyValues) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", "io.passerelle.route~" + name);
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        new RouteComponent(table, Config.defaults(RouteConfig.class), props);
    }

    /** Makes another scheme handler available, as DS would when its bundle starts. */
    public void bind(SchemeHandler handler, String... schemes) {
        dispatcher.bindSchemeHandler(handler, Map.of(SchemeHandler.SCHEME, schemes));
    }

    @Override
    public void close() throws Exception {
        listener.deactivate();
        http.deactivate();
        core.deactivate();
    }
}
