package io.passerelle.core.internal.net;

import java.nio.ByteBuffer;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.IoSession;

import io.passerelle.api.ProxyStatus;
import io.passerelle.core.internal.route.Route;

/**
 * Copies bytes both ways between a client connection and a backend connection after a {@code 101}, with
 * watermark backpressure: when one side's write queue passes the high mark, reading from the other side is
 * suspended until the queue drains under the low mark. A FIN from one side is passed on to the other once
 * what preceded it is written, while the other direction goes on draining; the tunnel closes when both
 * sides have ended, either side closes, or it is idle too long. Runs in the client connection's context.
 */
final class TunnelRelay {

    private final HttpExchange exchange;
    private final FrontConnection client;
    private final BackendConnectionImpl backend;
    private final Route route;
    private final long idleMillis;
    private final long openedAt = System.currentTimeMillis();
    private volatile long up;
    private volatile long down;
    private boolean clientHeld;
    private boolean backendHeld;
    private boolean closed;
    private boolean clientEnded;
    private boolean backendEnded;
    private boolean finOnBackendPending;
    private boolean finOnClientPending;

    TunnelRelay(HttpExchange exchange, FrontConnection client, BackendConnectionImpl backend, Route route,
            long idleMillis) {
        this.exchange = exchange;
        this.client = client;
        this.backend = backend;
        this.route = route;
        this.idleMillis = idleMillis;
    }

    void start(ByteBuffer clientBytes) {
        client.core().tunnels().add(this);
        backend.attachRelay(this);
        backend.setReadTimeout(0);
        if (route != null) {
            route.countTunnel(1);
        }
        ByteBuffer early = backend.takeLeftover();
        if (early != null) {
            fromBackend(early);
        }
        if (clientBytes != null && clientBytes.hasRemaining()) {
            fromClient(clientBytes);
        }
        if (!clientHeld) {
            client.resumeRead();
        }
        if (!backendHeld) {
            backend.resumeRead();
        }
    }

    void fromClient(ByteBuffer data) {
        if (closed) {
            return;
        }
        up += data.remaining();
        backend.session.write(IoBuffer.wrap(data));
        if (backend.session.getScheduledWriteBytes() > FramedOutput.HIGH_WATER) {
            clientHeld = true;
            client.suspendRead();
        }
    }

    void fromBackend(ByteBuffer data) {
        if (closed) {
            return;
        }
        down += data.remaining();
        client.session.write(IoBuffer.wrap(data));
        if (client.session.getScheduledWriteBytes() > FramedOutput.HIGH_WATER) {
            backendHeld = true;
            backend.suspendRead();
        }
    }

    /** The client's write queue moved: maybe let the backend talk again. */
    void clientDrained() {
        if (backendHeld && !backendEnded && client.session.getScheduledWriteBytes() < FramedOutput.LOW_WATER) {
            backendHeld = false;
            backend.resumeRead();
        }
        passFinOn();
    }

    void backendDrained() {
        if (clientHeld && !clientEnded && backend.session.getScheduledWriteBytes() < FramedOutput.LOW_WATER) {
            clientHeld = false;
            client.resumeRead();
        }
        passFinOn();
    }

    /** The client sent FIN: pass it on to the backend once what the client sent is written, keep relaying back. */
    void clientInputClosed() {
        clientEnded = true;
        client.suspendRead();
        if (backendEnded) {
            close();
        } else {
            finOnBackendPending = true;
            passFinOn();
        }
    }

    /** The backend sent FIN: pass it on to the client once written, keep relaying the client's bytes. */
    void backendInputClosed() {
        backendEnded = true;
        backend.suspendRead();
        if (clientEnded) {
            close();
        } else {
            finOnClientPending = true;
            passFinOn();
        }
    }

    /** Shuts the output of a side whose peer sent FIN, once its queued bytes are written. */
    private void passFinOn() {
        if (finOnBackendPending && backend.session.getScheduledWriteBytes() == 0) {
            finOnBackendPending = false;
            if (!HalfClose.shutdownOutput(backend.session)) {
                close();
            }
        }
        if (finOnClientPending && client.session.getScheduledWriteBytes() == 0) {
            finOnClientPending = false;
            if (!HalfClose.shutdownOutput(client.session)) {
                close();
            }
        }
    }

    void clientClosed() {
        close();
    }

    void backendClosed() {
        close();
    }

    /** Once a second while the client side is quiet: close after the idle timeout of both sides. */
    void tick() {
        if (idleMillis <= 0 || closed) {
            return;
        }
        long last = Math.max(client.session.getLastIoTime(), backend.session.getLastIoTime());
        if (System.currentTimeMillis() - last >= idleMillis) {
            close();
        }
    }

    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        client.core().tunnels().remove(this);
        if (route != null) {
            route.countTunnel(-1);
        }
        closeOnFlush(backend.session);
        closeOnFlush(client.session);
        exchange.finish(false);
    }

    private static void closeOnFlush(IoSession s) {
        if (s.isConnected() && !s.isClosing()) {
            s.closeOnFlush();
        }
    }

    long bytesUp() {
        return up;
    }

    long bytesDown() {
        return down;
    }

    ProxyStatus.TunnelView view(long now) {
        return new ProxyStatus.TunnelView(address(client.session.getRemoteAddress()),
                address(backend.session.getRemoteAddress()), route == null ? "(rewrite)" : route.name(),
                route == null ? 0 : route.generation(), now - openedAt, up, down);
    }

    long openedAt() {
        return openedAt;
    }

    private static String address(java.net.SocketAddress a) {
        return a instanceof java.net.InetSocketAddress i ? i.getAddress().getHostAddress() + ":" + i.getPort() : String.valueOf(a);
    }

    /** Joins what was kept with more bytes. */
    static ByteBuffer append(ByteBuffer kept, ByteBuffer more) {
        if (kept == null) {
            ByteBuffer copy = ByteBuffer.allocate(more.remaining());
            copy.put(more.duplicate()).flip();
            return copy;
        }
        ByteBuffer joined = ByteBuffer.allocate(kept.remaining() + more.remaining());
        joined.put(kept).put(more.duplicate()).flip();
        return joined;
    }
}
