package io.passerelle.core.internal.front;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Component;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.Exchange;

/**
 * The open client connections by id. The core finds its own exchange here from any {@link Exchange} a handler
 * gives back, however it is wrapped: by the {@link ClientInfo#connectionId()} every wrapper hands on, without a
 * cast of the API type to the core's class.
 */
@Component(service = ClientConnections.class)
public final class ClientConnections {

    private final Map<Long, FrontHandler> open = new ConcurrentHashMap<>();

    void add(FrontHandler h) {
        open.put(h.client().connectionId(), h);
    }

    void remove(FrontHandler h) {
        open.remove(h.client().connectionId(), h);
    }

    /** The exchange in progress on the connection of {@code exchange}'s client, or null when there is none. */
    public HttpExchange exchangeOf(Exchange exchange) {
        FrontHandler h = open.get(exchange.client().connectionId());
        return h == null ? null : h.exchange();
    }

    /** How many client connections are open. */
    public int count() {
        return open.size();
    }

    /**
     * Client connections of {@code listener} (of every listener when null) close: at once between requests,
     * after the exchange under way otherwise. Tunnels are no longer counted here.
     */
    public void drain(String listener) {
        for (FrontHandler h : open.values()) {
            if (listener == null || listener.equals(h.client().listener())) {
                h.connection().context().execute(h::drain);
            }
        }
    }

    /** Closes the client connections of {@code listener} at once. */
    public void close(String listener) {
        for (FrontHandler h : open.values()) {
            if (listener.equals(h.client().listener())) {
                h.connection().close();
            }
        }
    }

    /** How many client connections of {@code listener} are open (not counting tunnels). */
    public int count(String listener) {
        int n = 0;
        for (FrontHandler h : open.values()) {
            if (listener.equals(h.client().listener())) {
                n++;
            }
        }
        return n;
    }
}
