package io.passerelle.core.internal.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import org.apache.mina.core.future.ConnectFuture;
import org.apache.mina.core.future.DefaultConnectFuture;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.session.IoSessionInitializer;
import org.apache.mina.transport.socket.nio.NioSession;
import org.apache.mina.transport.socket.nio.NioSocketConnector;

/**
 * A backend connection being opened by the I/O processor that will serve it, in its own loop (as nginx and
 * HAProxy connect in their event loop): a non-blocking connect, its completion watched by the processor's
 * selector, then a MINA session for the socket, set up by MINA's connector as its service (handler, socket
 * options, filter chain) though the connector itself never connects: its selector thread never starts, and no
 * connection is handed from one thread to another. The connect timeout is checked by the processor before each
 * select; it covers the session's opening (a TLS handshake included), as MINA's connect future did.
 */
final class Dial implements Waiter {

    /** The connects under way on one processor (its thread only). */
    static final class Pending {
        private final List<Dial> dials = new ArrayList<>();

        void add(Dial d) {
            dials.add(d);
        }

        void remove(Dial d) {
            dials.remove(d);
        }

        /**
         * Fails the connects whose time is up. @return how long the processor may wait in select: {@code timeout},
         * or less when a deadline comes first (at least 1 ms: 0 would wait for ever)
         */
        long expire(long timeout) {
            if (dials.isEmpty()) {
                return timeout;
            }
            long now = System.nanoTime();
            long wait = timeout;
            // from the end: a dial that fails removes itself, and only itself (no copy of the list per select)
            for (int i = dials.size() - 1; i >= 0; i--) {
                Dial d = dials.get(i);
                long left = d.deadline - now;
                if (left <= 0) {
                    d.fail(null, true);
                } else {
                    wait = Math.min(wait, Math.max(1, left / 1_000_000L));
                }
            }
            return wait;
        }
    }

    private final NioSocketConnector service;
    private final ProcessorPool pool;
    private final ProcessorPool.Processor processor;
    private final InetSocketAddress address;
    private final long deadline;
    private final IoSessionInitializer<ConnectFuture> init;
    private final Runnable connected;
    private final BiConsumer<Throwable, Boolean> failed;
    private SocketChannel channel;
    private SelectionKey key;
    private IoSession session;
    private boolean over;

    /**
     * @param init      prepares the session before MINA announces it (its connection, a TLS filter)
     * @param connected told once the session is open
     * @param failed    told of the cause (null for a timeout) and whether it timed out
     */
    Dial(NioSocketConnector service, ProcessorPool pool, ProcessorPool.Processor processor, InetSocketAddress address,
            long timeoutMillis, IoSessionInitializer<ConnectFuture> init, Runnable connected,
            BiConsumer<Throwable, Boolean> failed) {
        this.service = service;
        this.pool = pool;
        this.processor = processor;
        this.address = address;
        this.deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        this.init = init;
        this.connected = connected;
        this.failed = failed;
    }

    /** Starts connecting; on the processor's thread. */
    void start() {
        processor.dials.add(this);
        try {
            channel = socketFor(address);
            channel.configureBlocking(false);
            if (channel.connect(address)) {
                established();
            } else {
                key = processor.register(channel, SelectionKey.OP_CONNECT, this);
            }
        } catch (IOException | RuntimeException e) {
            fail(e, false);
        }
    }

    /**
     * A socket of the address's own family: an IPv4 backend gets an IPv4 socket, not the JDK's default dual-stack
     * IPv6 one (which costs a system call to make dual and the kernel's IPv6 layer on every packet and close).
     */
    static SocketChannel socketFor(InetSocketAddress address) throws IOException {
        return address.getAddress() instanceof Inet4Address ? SocketChannel.open(StandardProtocolFamily.INET)
                : SocketChannel.open();
    }

    @Override
    public void ready(SelectionKey k) {
        key = k;
        if (session != null) {
            // readable before MINA has taken the key over (its session is registered after the next select): the
            // selector is level-triggered, so the session's first read event comes once it has
            return;
        }
        try {
            if (!channel.finishConnect()) {
                return;
            }
        } catch (IOException | RuntimeException e) {
            fail(e, false);
            return;
        }
        // the key stays: MINA registers the session's channel on this selector again, which takes this key over
        // with read interest. Read interest now: no interest at all would take the socket out of epoll and MINA's
        // registration would put it back (two system calls where one changes the events)
        k.interestOps(SelectionKey.OP_READ);
        established();
    }

    private void established() {
        try {
            DefaultConnectFuture future = new DefaultConnectFuture();
            future.addListener(f -> opened());
            NioSession s = MinaSessions.of(service, pool, channel, future, init);
            s.setAttribute(ProcessorPool.AFFINITY, processor.index);
            session = s;
            pool.add(s);
        } catch (RuntimeException e) {
            fail(e, false);
        }
    }

    /** MINA opened the session (on this processor's thread). */
    private void opened() {
        if (over) {
            session.closeNow(); // it timed out meanwhile
            return;
        }
        over = true;
        processor.dials.remove(this);
        connected.run();
    }

    void fail(Throwable cause, boolean timedOut) {
        if (over) {
            return;
        }
        over = true;
        processor.dials.remove(this);
        if (session != null) {
            session.closeNow();
        } else {
            if (key != null) {
                key.cancel();
            }
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing what failed
                }
            }
        }
        failed.accept(cause, timedOut);
    }

    @Override
    public void rekeyed(SelectionKey k) {
        key = k;
    }

    @Override
    public void abandon() {
        fail(new IOException("the I/O processor stopped"), false);
    }
}
