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
}
