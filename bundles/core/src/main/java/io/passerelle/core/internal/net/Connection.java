package io.passerelle.core.internal.net;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IdleStatus;
import org.apache.mina.core.session.IoSession;

/**
 * One TCP connection, client or backend, on a MINA session: the only class that touches the session. It runs
 * every event of the session in its serial context and hands it to its current {@link Protocol}; it owns read
 * suspension, the write watermarks and the drain signal, close and half-close.
 * <p>
 * A client connection has a context of its own. A backend connection runs in the context of the client
 * connection it works for, bound when it is opened or taken from a pool ({@link #bind}); while parked in a pool
 * it has none ({@link #park}): a parked connection that talks is closed at once, and its close is reported to
 * the pool on the I/O thread.
 * <p>
 * Write side: a write returns whether the queue is still under the high watermark; above it the producer
 * stops, and {@link #whenDrained} runs its task once the queue falls under the low watermark (MINA's
 * {@code messageSent}).
 */
public final class Connection {

    /** Above this many queued bytes a producer stops. */
    public static final int HIGH_WATER = 256 * 1024;
    /** Under this many a stopped producer goes on. */
    public static final int LOW_WATER = 64 * 1024;

    static final AttributeKey KEY = new AttributeKey(Connection.class, "connection");

    private final IoSession session;
    /** The backend it was opened to (its {@code key()} is what logs call it), or null for a client. */
    private final Endpoint to;
    private volatile SerialContext ctx;
    private volatile Protocol protocol;
    private volatile Runnable onCloseWhileParked;
    private boolean readSuspended;
    private volatile boolean inputClosed;
    private Runnable drainTask;
    private Runnable finWhenFlushed;

    /** @param to the backend it was opened to, or null for a client */
    Connection(IoSession session, Endpoint to, SerialContext ctx, Protocol protocol) {
        this.session = session;
        this.to = to;
        this.ctx = ctx;
        this.protocol = protocol;
        session.setAttribute(KEY, this);
        // the close future, not sessionClosed: MINA 2.2's SslFilter can fail before passing sessionClosed on
        session.getCloseFuture().addListener(f -> closed());
    }

    static Connection of(IoSession session) {
        return (Connection) session.getAttribute(KEY);
    }

    IoSession session() {
        return session;
    }

    // ---- binding

    /** The serial context the connection's events run in (null while parked). */
    public SerialContext context() {
        return ctx;
    }

    /** Switches the protocol this connection speaks (in its context). */
    public void protocol(Protocol p) {
        this.protocol = p;
    }

    /** Puts a backend connection to work for a client connection's context. */
    public void bind(SerialContext context, Protocol p) {
        this.onCloseWhileParked = null;
        this.drainTask = null;
        this.protocol = p;
        this.ctx = context;
        if (!isOpen()) {
            // closed while it sat in a pool: its owner hears of it like any close
            context.execute(() -> deliverClosed(context));
        }
    }

    /** Parks a backend connection (in a pool): no context, no protocol; {@code onClose} runs if it closes. */
    public void park(Runnable onClose) {
        this.drainTask = null;
        this.onCloseWhileParked = onClose;
        this.ctx = null;
        this.protocol = null;
        if (!isOpen()) {
            onClose.run();
        }
    }

    // ---- events from the session's I/O thread

    void received(ByteBuffer data) {
        SerialContext c = ctx;
        if (c == null) {
            session.closeNow(); // a parked connection must not talk
            return;
        }
        if (c.tryEnter()) {
            try {
                deliverData(c, data);
            } finally {
                c.exit();
            }
        } else {
            c.execute(() -> deliverData(c, data));
        }
    }

    private void deliverData(SerialContext c, ByteBuffer data) {
        Protocol p = protocol;
        if (ctx != c || p == null) {
            session.closeNow(); // arrived for an owner it no longer has: nobody may read it
            return;
        }
        p.onData(data);
    }

    void sent() {
        SerialContext c = ctx;
        if (c == null) {
            return;
        }
        if (c.tryEnter()) {
            try {
                onSent(c);
            } finally {
                c.exit();
            }
        } else {
            c.execute(() -> onSent(c));
        }
    }

    private void onSent(SerialContext c) {
        if (ctx != c) {
            return;
        }
        long queued = queued();
        if (finWhenFlushed != null && queued == 0) {
            Runnable impossible = finWhenFlushed;
            finWhenFlushed = null;
            if (!HalfClose.shutdownOutput(session)) {
                impossible.run();
            }
        }
        Runnable task = drainTask;
        if (task != null && queued < LOW_WATER) {
            drainTask = null;
            task.run();
        }
    }

    void idle() {
        SerialContext c = ctx;
        if (c != null) {
            c.execute(() -> {
                Protocol p = protocol;
                if (ctx == c && p != null) {
                    p.onIdle();
                }
            });
        }
    }

    void inputEnded() {
        inputClosed = true;
        SerialContext c = ctx;
        if (c == null) {
            session.closeNow();
            return;
        }
        c.execute(() -> {
            suspendRead();
            Protocol p = protocol;
            if (ctx == c && p != null) {
                p.onInputClosed();
            } else {
                session.closeNow();
            }
        });
    }

    private void closed() {
        SerialContext c = ctx;
        if (c == null) {
            Runnable r = onCloseWhileParked;
            if (r != null) {
                r.run();
            }
            return;
        }
        c.execute(() -> deliverClosed(c));
    }

    private void deliverClosed(SerialContext c) {
        SerialContext now = ctx;
        if (now == null) {
            Runnable r = onCloseWhileParked;
            if (r != null) {
                r.run();
            }
        } else if (now != c) {
            now.execute(() -> deliverClosed(now)); // taken by another owner meanwhile: it must hear of it
        } else {
            Protocol p = protocol;
            if (p != null) {
                p.onClosed();
            }
        }
    }

    // ---- writing (in the context)

    /** Queues bytes (the buffer becomes MINA's). @return whether the queue is under the high watermark */
    public boolean write(ByteBuffer data) {
        session.write(IoBuffer.wrap(data));
        return session.getScheduledWriteBytes() < HIGH_WATER;
    }

    /** Whether the queue is under the high watermark. */
    public boolean writable() {
        return session.getScheduledWriteBytes() < HIGH_WATER;
    }

    /** Bytes queued and not yet written. */
    public long queued() {
        return session.getScheduledWriteBytes();
    }

    /** Runs the task once the queue falls under the low watermark (at once if it is); replaces an earlier one. */
    public void whenDrained(Runnable task) {
        if (queued() < LOW_WATER) {
            drainTask = null;
            task.run();
        } else {
            drainTask = task;
        }
    }

    /**
     * Sends a FIN once everything queued is written, while reading goes on (TCP half-close). Where that is not
     * possible (TLS, whose close cannot be half done) {@code impossible} runs instead.
     */
    public void shutdownOutputWhenFlushed(Runnable impossible) {
        if (queued() == 0) {
            if (!HalfClose.shutdownOutput(session)) {
                impossible.run();
            }
        } else {
            finWhenFlushed = impossible;
        }
    }

    // ---- reading

    public void suspendRead() {
        if (!readSuspended) {
            readSuspended = true;
            session.suspendRead();
        }
    }

    /** Resumes reading, unless the peer already ended its output. */
    public void resumeRead() {
        if (readSuspended && !inputClosed) {
            readSuspended = false;
            session.resumeRead();
        }
    }

    /** Whether the peer shut its output down. */
    public boolean inputClosed() {
        return inputClosed;
    }

    /** Calls {@link Protocol#onIdle()} after this long without I/O either way; 0 turns it off. */
    public void idleSeconds(int seconds) {
        session.getConfig().setIdleTime(IdleStatus.BOTH_IDLE, Math.max(0, seconds));
    }

    // ---- closing

    public void close() {
        drainTask = null;
        session.closeNow();
    }

    /** Closes once what is queued is written. */
    public void closeWhenFlushed() {
        if (session.isConnected() && !session.isClosing()) {
            session.closeOnFlush();
        }
    }

    public boolean isOpen() {
        return session.isConnected() && !session.isClosing();
    }

    // ---- facts

    /** The index of the I/O processor serving it: pools keep connections per processor. */
    public int affinity() {
        return ProcessorPool.affinityOf(this);
    }

    public long id() {
        return session.getId();
    }

    public InetSocketAddress remote() {
        return (InetSocketAddress) session.getRemoteAddress();
    }

    public InetSocketAddress local() {
        return (InetSocketAddress) session.getLocalAddress();
    }

    /** When a byte was last read or written, in {@link System#currentTimeMillis()} terms. */
    public long lastIoMillis() {
        return session.getLastIoTime();
    }

    /** The backend's {@code host:port} (with {@code +tls}) for a backend connection, else the client's address. */
    public String peer() {
        return to != null ? to.key() : String.valueOf(session.getRemoteAddress());
    }

    @Override
    public String toString() {
        return "connection " + session.getId() + " (" + peer() + ")";
    }
}
