package io.passerelle.core.internal.tunnel;

import java.nio.ByteBuffer;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

import io.passerelle.api.ProxyStatus;
import io.passerelle.core.internal.net.Connection;

/** The open tunnels: opens them, and lists them for {@code proxy:tunnels}. */
@Component(service = Tunnels.class)
public final class Tunnels {

    private final Set<Tunnel> open = ConcurrentHashMap.newKeySet();

    /**
     * Turns two connections into a tunnel (in the client connection's context).
     *
     * @param fromClient  what the client sent after its upgrade request, or null
     * @param fromBackend what the backend sent after its {@code 101} head, or null
     * @param websocket   whether the protocol switched to is {@code websocket}
     */
    public Tunnel open(Tunnel.Owner owner, String route, long generation, Connection client, ByteBuffer fromClient,
            Connection backend, ByteBuffer fromBackend, long idleMillis, boolean websocket) {
        Tunnel t = new Tunnel(this, owner, route, generation, client, backend, idleMillis, websocket);
        open.add(t);
        t.start(fromClient, fromBackend);
        return t;
    }

    void remove(Tunnel t) {
        open.remove(t);
    }

    /** Ends every open tunnel gracefully ({@link Tunnel#goAway()}), each in its own context. */
    public void goAwayAll() {
        for (Tunnel t : open) {
            t.context().execute(t::goAway);
        }
    }

    /** How many tunnels are open. */
    public int count() {
        return open.size();
    }

    /** The open tunnels, oldest first. */
    public List<ProxyStatus.TunnelView> views() {
        long now = System.currentTimeMillis();
        return open.stream().sorted(Comparator.comparingLong(Tunnel::openedAt)).map(t -> t.view(now)).toList();
    }
}
