package io.passerelle.core.internal.tunnel;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import io.passerelle.api.ProxyStatus;
import io.passerelle.core.internal.net.Connection;
import io.passerelle.core.internal.net.Protocol;
import io.passerelle.core.internal.net.SerialContext;

/**
 * A byte tunnel between a client connection and a backend connection after a {@code 101}. Opening it switches
 * both connections to one {@link Side} each; from then on every byte read on one side is written to the other,
 * with watermark backpressure (a side whose peer is behind stops reading until the peer drains). A FIN from one
 * side is passed on once what preceded it is written, while the other direction goes on; the tunnel closes when
 * both sides have ended, either side closes, or it is idle too long. A WebSocket tunnel follows the frame
 * boundaries of both directions ({@link FrameBoundaries}) so that a stop can end it with a close frame of its own
 * ({@link #goAway()}). Runs in the client connection's context.
 */
public final class Tunnel {

    /** Who opened the tunnel and hears of its end. */
    public interface Owner {
        /** The tunnel closed (both connections are closing). */
        void tunnelClosed(Tunnel tunnel);
    }

    private final Tunnels registry;
    private final Owner owner;
    private final String route;
    private final long generation;
    private final long idleMillis;
    private final long openedAt = System.currentTimeMillis();
    private final Side client;
    private final Side backend;
    private final boolean websocket;
    private boolean closed;

    /**
     * @param route      the route it opened under ({@code (rewrite)} for a hook's decision)
     * @param generation that route's generation
     * @param idleMillis silence in both directions that closes it (0: none)
     * @param websocket  whether the upgrade was {@code websocket}: its frames are followed, so that it can be
     *                   ended with a close frame of the proxy's own ({@link #goAway()})
     */
    Tunnel(Tunnels registry, Owner owner, String route, long generation, Connection clientConnection,
            Connection backendConnection, long idleMillis, boolean websocket) {
        this.registry = registry;
        this.owner = owner;
        this.route = route;
        this.generation = generation;
        this.idleMillis = idleMillis;
        this.websocket = websocket;
        this.client = new Side(clientConnection, websocket, true);
        this.backend = new Side(backendConnection, websocket, false);
        client.peer = backend;
        backend.peer = client;
    }

    /** Switches both connections to the tunnel and relays what each side sent before the switch. */
    void start(ByteBuffer fromClient, ByteBuffer fromBackend) {
        client.self.protocol(client);
        backend.self.protocol(backend);
        backend.self.idleSeconds(0); // the client side's once-a-second tick watches both
        if (fromBackend != null && fromBackend.hasRemaining()) {
            backend.onData(fromBackend);
        }
        if (fromClient != null && fromClient.hasRemaining()) {
            client.onData(fromClient);
        }
        // reads were held while the upgrade was under way; each side goes on unless its peer is already behind
        if (backend.self.writable()) {
            client.self.resumeRead();
        }
        if (client.self.writable()) {
            backend.self.resumeRead();
        }
    }

    /** One connection of the tunnel: what it reads goes to its peer. */
    private final class Side implements Protocol {
        final Connection self;
        /** The frames of what this side sends, for a WebSocket tunnel; null for any other. */
        final FrameBoundaries frames;
        /** Whether this side is a client, whose peer is a server: frames towards a server are masked. */
        final boolean towardsServer;
        Side peer;
        long bytes;
        boolean ended;
        /** {@link #goAway()} was asked: the frame under way is relayed, then a 1001 close frame, then nothing. */
        boolean goingAway;
        /** The 1001 close frame went to the peer in place of anything more from this side. */
        boolean goneAway;

        Side(Connection self, boolean websocket, boolean isClient) {
            this.self = self;
            this.frames = websocket ? new FrameBoundaries() : null;
            this.towardsServer = isClient;
        }

        @Override
        public void onData(ByteBuffer data) {
            if (closed || goneAway) {
                return;
            }
            if (frames != null) {
                if (goingAway) {
                    int n = frames.toNextBoundary(data);
                    data.limit(data.position() + n);
                    bytes += n;
                    boolean writable = peer.self.write(data);
                    if (frames.atBoundary()) {
                        sendGoingAway();
                    } else if (!writable) {
                        self.suspendRead();
                        peer.self.whenDrained(self::resumeRead);
                    }
                    return;
                }
                frames.follow(data);
            }
            bytes += data.remaining();
            if (!peer.self.write(data)) {
                self.suspendRead();
                peer.self.whenDrained(self::resumeRead);
            }
        }

        /** FIN: passed on to the peer once what this side sent is written; the other direction goes on. */
        @Override
        public void onInputClosed() {
            ended = true;
            if (goingAway && !goneAway) {
                // cut short in the middle of a frame: the peer gets the FIN instead of a close frame
                goneAway = true;
            }
            if (peer.ended) {
                close();
            } else {
                peer.self.shutdownOutputWhenFlushed(Tunnel.this::close);
            }
        }

        @Override
        public void onClosed() {
            close();
        }

        /** Ends what this side sends to its peer with a 1001 close frame at the next frame boundary. */
        void goAway() {
            if (goingAway) {
                return;
            }
            goingAway = true;
            if (ended) {
                // its FIN went (or goes) to the peer: no frame can follow it
                goneAway = true;
                if (peer.goneAway) {
                    close();
                }
            } else if (frames.atBoundary()) {
                sendGoingAway();
            }
            // else the frame under way is relayed to its end first (the caller's deadline bounds how long)
        }

        private void sendGoingAway() {
            goneAway = true;
            self.suspendRead();
            peer.self.write(FrameBoundaries.goingAway(towardsServer));
            if (peer.goneAway) {
                close();
            }
        }

        /** Once a second while this side is quiet: close after the idle timeout of both sides. */
        @Override
        public void onIdle() {
            if (idleMillis > 0 && !closed
                    && System.currentTimeMillis() - Math.max(self.lastIoMillis(), peer.self.lastIoMillis()) >= idleMillis) {
                close();
            }
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        registry.remove(this);
        backend.self.closeWhenFlushed();
        client.self.closeWhenFlushed();
        owner.tunnelClosed(this);
    }

    /** Bytes the client sent through the tunnel. */
    public long bytesFromClient() {
        return client.bytes;
    }

    /** Bytes relayed to the client. */
    public long bytesToClient() {
        return backend.bytes;
    }

    /**
     * Ends the tunnel gracefully (SPEC §4.9): a WebSocket tunnel sends a close frame with status 1001 (going
     * away) to both ends, each at a frame boundary of what it was being sent, then closes once they are written;
     * any other tunnel closes at once. Runs in the tunnel's context.
     */
    public void goAway() {
        if (closed) {
            return;
        }
        if (!websocket) {
            abort();
            return;
        }
        client.goAway();
        backend.goAway();
    }

    /** The context it runs in: its client connection's. */
    public SerialContext context() {
        return client.self.context();
    }

    /** Whether it has closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Ends the tunnel at once (its module stops). */
    public void abort() {
        client.self.close();
        close();
    }

    ProxyStatus.TunnelView view(long now) {
        return new ProxyStatus.TunnelView(address(client.self.remote()), address(backend.self.remote()), route,
                generation, now - openedAt, client.bytes, backend.bytes);
    }

    long openedAt() {
        return openedAt;
    }

    /** How long it has been open. */
    public long ageMillis() {
        return System.currentTimeMillis() - openedAt;
    }

    private static String address(InetSocketAddress a) {
        return a == null ? "-" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
