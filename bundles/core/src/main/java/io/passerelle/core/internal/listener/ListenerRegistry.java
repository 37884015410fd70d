package io.passerelle.core.internal.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;

import org.osgi.service.component.annotations.Component;

import io.passerelle.api.ProxyStatus;

/** The listeners currently bound, for {@code proxy:listeners}. */
@Component(service = ListenerRegistry.class)
public final class ListenerRegistry {

    private final ConcurrentSkipListMap<String, ListenerRuntime> listeners = new ConcurrentSkipListMap<>();

    void put(String name, ListenerRuntime rt) {
        listeners.put(name, rt);
    }

    void remove(String name, ListenerRuntime rt) {
        listeners.remove(name, rt);
    }

    /** Every listener stops accepting (the framework is stopping); the connections they accepted go on. */
    void stopAccepting() {
        listeners.values().forEach(rt -> {
            var socket = rt.socket();
            if (socket != null) {
                socket.stopAccepting();
            }
        });
    }

    public List<ProxyStatus.ListenerView> views() {
        List<ProxyStatus.ListenerView> out = new ArrayList<>();
        listeners.forEach((name, rt) -> {
            ListenerSpec s = rt.spec();
            var socket = rt.socket();
            long open = socket == null ? 0 : socket.openSessions();
            int port = socket == null ? s.port() : socket.localAddress().getPort();
            out.add(new ProxyStatus.ListenerView(name, s.host() + ":" + port, s.tls(), open, "listening"));
        });
        return out;
    }
}
