package io.passerelle.core.internal.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.mina.core.filterchain.IoFilter;
import org.apache.mina.transport.socket.nio.NioSession;
import org.apache.mina.transport.socket.nio.NioSocketAcceptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listening socket served by the I/O processors themselves, as nginx and HAProxy accept in their event loop:
 * it is registered on every processor's selector, and the processor that sees a connection waiting accepts it
 * and serves it, with no acceptor thread and no hand-over between threads. A MINA {@link NioSocketAcceptor} is
 * the sessions' service (their handler, filter chain, socket options and count of open sessions) but is never
 * bound: its own selector thread never starts.
 */
public final class Listening {

    private static final Logger LOG = LoggerFactory.getLogger(Listening.class);
    /** Connections accepted per readiness event and processor, so the sessions already open get their turn. */
    private static final int ACCEPTS_PER_EVENT = 16;
    /** Out of descriptors: accepting pauses this long (the connection waits in the backlog meanwhile). */
    private static final long PAUSE_MILLIS = 50;
    private static final long WARN_EVERY_NANOS = 60_000_000_000L;

    private final String name;
    private final ServerSocketChannel server;
    private final NioSocketAcceptor service;
    private final ProcessorPool pool;
    private final NetworkCore core;
    private final InetSocketAddress local;
    private final SelectionKey[] keys;
    private volatile boolean closed;
    private volatile long lastWarned;

    Listening(String name, NetworkCore core, ProcessorPool pool, NioSocketAcceptor service, InetSocketAddress at)
            throws IOException {
        this.name = name;
        this.core = core;
        this.pool = pool;
        this.service = service;
        this.keys = new SelectionKey[pool.size()];
        // an IPv4 address gets an IPv4 socket, whose connections are IPv4 sockets (not the JDK's dual-stack IPv6
        // ones, which cost the kernel's IPv6 layer on every packet and close); the wildcard 0.0.0.0 keeps the
        // dual-stack socket, which the JDK binds to :: and so also accepts IPv6 connections, as it always did
        ServerSocketChannel s = at.getAddress() instanceof Inet4Address a4 && !a4.isAnyLocalAddress()
                ? ServerSocketChannel.open(StandardProtocolFamily.INET) : ServerSocketChannel.open();
        try {
            s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            s.bind(at, 1024);
            s.configureBlocking(false);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        this.server = s;
        this.local = (InetSocketAddress) s.getLocalAddress();
        onEveryProcessor(p -> keys[p.index] = registered(p));
    }

    private SelectionKey registered(ProcessorPool.Processor p) {
        try {
            return p.register(server, SelectionKey.OP_ACCEPT, new Door(p));
        } catch (IOException e) {
            LOG.error("Listener {}: cannot watch its socket: {}", name, e.getMessage());
            return null;
        }
    }

    /** Runs {@code task} on each processor's thread and waits until all have (from a configuration thread). */
    private void onEveryProcessor(Consumer<ProcessorPool.Processor> task) {
        CountDownLatch done = new CountDownLatch(pool.size());
        for (int i = 0; i < pool.size(); i++) {
            ProcessorPool.Processor p = pool.processor(i);
            p.run(() -> {
                try {
                    task.accept(p);
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            if (!done.await(5, TimeUnit.SECONDS)) {
                LOG.warn("Listener {}: an I/O thread did not answer within 5 s", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The address it is bound to (the port chosen, for port 0). */
    public InetSocketAddress localAddress() {
        return local;
    }

    /** Connections accepted by it and still open. */
    public long openSessions() {
        return service.getManagedSessionCount();
    }

    /**
     * Stops accepting: on return the socket is closed, and a new connection to its port is refused. Connections
     * it accepted go on.
     */
    public void stopAccepting() {
        if (closed) {
            return;
        }
        closed = true;
        onEveryProcessor(p -> {
            SelectionKey k = keys[p.index];
            if (k != null) {
                k.cancel();
                p.flushCancelled(); // deregistered now, so that closing the socket really closes it
            }
        });
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("Listener {}: closing its socket: {}", name, e.getMessage());
        }
    }

    /** Stops accepting and lets go of the service; connections it accepted go on. */
    public void dispose() {
        stopAccepting();
        service.dispose(false);
    }

    /** The listening socket as one processor's selector sees it. */
    private final class Door implements Waiter {
        private final ProcessorPool.Processor processor;

        Door(ProcessorPool.Processor processor) {
            this.processor = processor;
        }

        @Override
        public void ready(SelectionKey key) {
            for (int i = 0; i < ACCEPTS_PER_EVENT && !closed; i++) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    pause(e, key);
                    return;
                }
                if (ch == null) {
                    return; // another processor took it, or none is left
                }
                try {
                    NioSession s = MinaSessions.of(service, pool, ch, null, null);
                    s.setAttribute(ProcessorPool.AFFINITY, processor.index);
                    pool.add(s);
                } catch (RuntimeException e) {
                    LOG.debug("Listener {}: dropping an accepted connection: {}", name, e.getMessage());
                    try {
                        ch.close();
                    } catch (IOException ignored) {
                        // nothing more to do for it
                    }
                }
            }
        }

        /**
         * Accepting failed, most likely for want of descriptors: it pauses briefly (the connection waits in the
         * backlog) rather than being retried at once by a selector that keeps reporting it, and says so once a
         * minute.
         */
        private void pause(IOException e, SelectionKey key) {
            long now = System.nanoTime();
            if (now - lastWarned > WARN_EVERY_NANOS || lastWarned == 0) {
                lastWarned = now;
                LOG.warn("Listener {}: cannot accept a connection: {} (retrying every {} ms; this line at most once "
                        + "a minute)", name, e.getMessage(), PAUSE_MILLIS);
            }
            key.interestOps(0);
            core.timer().schedule(() -> processor.run(() -> {
                SelectionKey current = keys[processor.index]; // moved, if MINA replaced the selector meanwhile
                if (current != null && current.isValid()) {
                    current.interestOps(SelectionKey.OP_ACCEPT);
                }
            }), PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        }

        @Override
        public void rekeyed(SelectionKey k) {
            keys[processor.index] = k;
        }

        @Override
        public void abandon() {
            closed = true;
            try {
                server.close();
            } catch (IOException ignored) {
                // the processor is going away
            }
        }
    }
}
