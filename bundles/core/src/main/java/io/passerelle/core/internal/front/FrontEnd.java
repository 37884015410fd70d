package io.passerelle.core.internal.front;

import io.passerelle.core.internal.net.Connection;
import io.passerelle.core.internal.route.Dispatcher;

/**
 * The HTTP/1.1 front end of one listener: its limits and the services its connections use. The listener opens
 * each accepted connection here.
 */
public final class FrontEnd {

    /**
     * The limits of SPEC §4.1 and §8 that apply to new connections and new requests.
     *
     * @param headerMaxBytes         request line + headers; over it 431 (414 for the line)
     * @param headerMaxCount         header fields; over it 431
     * @param headerTimeoutMillis    the head must arrive within it, else 408
     * @param keepaliveTimeoutMillis idle client connection between requests
     */
    public record Limits(int headerMaxBytes, int headerMaxCount, long headerTimeoutMillis, long keepaliveTimeoutMillis) {
    }

    private final String listener;
    private final boolean tls;
    private final Dispatcher dispatcher;
    private final AccessLog accessLog;
    private final ClientConnections connections;
    private volatile Limits limits;

    public FrontEnd(String listener, boolean tls, Limits limits, Dispatcher dispatcher, AccessLog accessLog,
            ClientConnections connections) {
        this.listener = listener;
        this.tls = tls;
        this.limits = limits;
        this.dispatcher = dispatcher;
        this.accessLog = accessLog;
        this.connections = connections;
    }

    /** Serves an accepted connection: it speaks HTTP/1.1 from now on. */
    public void open(Connection connection) {
        FrontHandler h = new FrontHandler(connection, this);
        connection.protocol(h);
        connections.add(h);
    }

    /** New limits, for connections and requests from now on. */
    public void limits(Limits l) {
        this.limits = l;
    }

    Limits limits() {
        return limits;
    }

    String listener() {
        return listener;
    }

    boolean tls() {
        return tls;
    }

    Dispatcher dispatcher() {
        return dispatcher;
    }

    AccessLog accessLog() {
        return accessLog;
    }

    ClientConnections connections() {
        return connections;
    }
}
