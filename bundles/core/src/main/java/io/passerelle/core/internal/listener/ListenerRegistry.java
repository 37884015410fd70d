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
            var acceptor = rt.acceptor();
            if (acceptor != null) {
                acceptor.unbind();
            }
        });
    }

    public List<ProxyStatus.ListenerView> views() {
        List<ProxyStatus.ListenerView> out = new ArrayList<>();
        listeners.forEach((name, rt) -> {
            ListenerSpec s = rt.spec();
            var acceptor = rt.acceptor();
            long open = acceptor == null ? 0 : acceptor.getManagedSessionCount();
            int port = s.port();
            if (acceptor != null && acceptor.getLocalAddress() != null) {
                port = acceptor.getLocalAddress().getPort();
            }
            out.add(new ProxyStatus.ListenerView(name, s.host() + ":" + port, s.tls(), open, "listening"));
        });
        return out;
    }
}
