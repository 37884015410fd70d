package io.passerelle.core.internal.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.future.DefaultConnectFuture;
import org.apache.mina.core.service.AbstractIoService;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioProcessor;
import org.apache.mina.transport.socket.nio.NioSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The I/O processors shared by every listener and every backend connection, with affinity: an accepted
 * session stays on the processor that accepted it ({@link Listening}), and a backend session opened for it is
 * connected by and put on the same processor ({@link Dial}), so a client connection and its backend
 * connections are served by one thread and hand data to each other without crossing threads. When read interest is changed from another thread (a timer, a
 * pooled connection of another processor), the processor is woken so the change applies at once: the JDK's
 * selector only applies interest changes at its next select.
 */
final class ProcessorPool implements IoProcessor<NioSession> {

    static final AttributeKey AFFINITY = new AttributeKey(ProcessorPool.class, "affinity");
    private static final Logger LOG = LoggerFactory.getLogger(ProcessorPool.class);

    /**
     * A processor whose selector can be woken from outside, that reads once per readiness event, and that also
     * serves {@link Waiter}s: listening sockets and connects under way registered on its selector, run in its own
     * loop. It never wakes its own selector: a session added or a flush scheduled on its own thread is seen by the
     * next select, which then does not block.
     */
    static final class Processor extends NioProcessor {
        final int index;
        volatile Thread thread;
        /** The connects under way on this processor, with their deadlines (I/O thread only). */
        final Dial.Pending dials = new Dial.Pending();
        /** Work asked of this processor's thread from another (a registration), run before each select. */
        private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        /** Something was added or scheduled on this thread since the last select (I/O thread only). */
        private boolean selfWoken;
        /** The buffer of the read event whose last read came back short of filling it (I/O thread only). */
        private IoBuffer drained;
        /** Sockets of sessions destroyed whose keys the selector has yet to let go of (I/O thread only). */
        private final List<SocketChannel> closing = new ArrayList<>();
        /** Where reads land before MINA's heap buffer (I/O thread only); as large as MINA's largest read buffer. */
        private final IoBuffer direct = IoBuffer.wrap(ByteBuffer.allocateDirect(65536));

        Processor(int index, java.util.concurrent.Executor executor) {
            super(executor);
            this.index = index;
        }

        boolean inLoop() {
            return Thread.currentThread() == thread;
        }

        /** Runs {@code task} on this processor's thread: now if called there, else before its next select. */
        void run(Runnable task) {
            if (inLoop()) {
                SerialContext.run(task);
                return;
            }
            tasks.add(task);
            super.wakeup();
        }

        /** Registers a waiter's channel on this processor's selector; on its thread only. */
        SelectionKey register(SelectableChannel channel, int ops, Waiter w) throws IOException {
            return channel.register(selector, ops, w);
        }

        @Override
        protected void wakeup() {
            if (inLoop()) {
                // MINA wakes the selector for every session added and every flush scheduled, even from the
                // processor's own thread, where nothing is selecting: an eventfd write and read per loop. The
                // next select is made not to block instead (and MINA's spin detector is told it was woken).
                selfWoken = true;
                wakeupCalled.set(true);
                return;
            }
            super.wakeup();
        }

        /** Lets the selector forget the keys cancelled on this thread, closing their channels if closed. */
        void flushCancelled() {
            try {
                selector.selectNow();
            } catch (IOException e) {
                LOG.debug("selectNow: {}", e.getMessage());
            }
            closeDeregistered();
        }

        /**
         * Keeps the loop alive and starts it. MINA starts a processor's thread when a session is added and ends it
         * when none is left; this one also serves listening sockets and connects, so it must run before any
         * session exists and while none does: a pipe end registered with no interest (never selected) keeps its
         * selector from being empty, and a throwaway session on an unconnected socket, removed at once, starts
         * the thread (the one public way MINA offers).
         */
        void start(AbstractIoService service, ProcessorPool pool) throws IOException {
            Pipe pipe = Pipe.open();
            pipe.source().configureBlocking(false);
            selectorLock.readLock().lock();
            try {
                pipe.source().register(selector, 0, new Waiter() {
                    @Override
                    public void ready(SelectionKey key) {
                        // never selected: no interest
                    }

                    @Override
                    public void rekeyed(SelectionKey key) {
                        // nothing held
                    }

                    @Override
                    public void abandon() {
                        try {
                            pipe.source().close();
                            pipe.sink().close();
                        } catch (IOException ignored) {
                            // going away
                        }
                    }
                });
            } finally {
                selectorLock.readLock().unlock();
            }
            SocketChannel unconnected = SocketChannel.open();
            NioSession kick = MinaSessions.of(service, pool, unconnected, new DefaultConnectFuture(), null);
            kick.setAttribute(AFFINITY, index);
            remove(kick); // closes the socket
        }

        @Override
        protected int select(long timeout) throws Exception {
            for (Runnable t; (t = tasks.poll()) != null;) {
                SerialContext.run(t);
            }
            if (isDisposing()) {
                // the loop ends once its selector holds no key: the waiters let go of theirs
                for (SelectionKey k : selector.keys()) {
                    if (k.attachment() instanceof Waiter w) {
                        w.abandon();
                        k.cancel();
                    }
                }
                selfWoken = true;
            }
            long wait = dials.expire(timeout);
            // a task may have selected keys already (flushCancelled): they are served now
            boolean ready = selfWoken || !selector.selectedKeys().isEmpty();
            if (ready || !closing.isEmpty()) {
                selfWoken = false;
                int n;
                selectorLock.readLock().lock();
                try {
                    n = Math.max(selector.selectNow(), selector.selectedKeys().size());
                } finally {
                    selectorLock.readLock().unlock();
                }
                closeDeregistered();
                if (ready || n > 0) {
                    return n;
                }
            }
            return super.select(wait);
        }

        /**
         * Closes the socket of a session MINA destroys once the selector has let go of its key (at the next select,
         * before anything else is read or written), rather than at once. The JDK closes a socket still registered
         * with a selector in two steps: it reads SO_LINGER and shuts the output down at once (two system calls),
         * and closes the descriptor when the key is gone. A socket no longer registered is closed by one call, which
         * sends the FIN as the shutdown would have; nothing is written to it in between (MINA failed its write
         * queue when it destroyed the session). Only a socket whose peer has ended its output (its connection's
         * {@link Connection#inputClosed()}: read to its end, so no unread byte is left) is closed so: closing a
         * socket with unread input sends a reset, which can reach the peer before what was last written to it (an
         * error page, a TLS alert), where the JDK's shutdown sends a FIN first. A processor being disposed closes
         * at once, as MINA does.
         */
        @Override
        protected void destroy(NioSession session) throws Exception {
            SelectionKey key = MinaSessions.keyOf(session);
            Connection c = Connection.of(session);
            if (key == null || !inLoop() || isDisposing() || c == null || !c.inputClosed()
                    || !(key.channel() instanceof SocketChannel ch) || !ch.isOpen()) {
                super.destroy(session);
                return;
            }
            key.cancel();
            closing.add(ch);
        }

        /** Closes the sockets of {@link #destroy} (after a select has deregistered their keys). */
        private void closeDeregistered() {
            for (SocketChannel ch : closing) {
                try {
                    ch.close();
                } catch (IOException e) {
                    LOG.debug("Closing a socket: {}", e.getMessage());
                }
            }
            closing.clear();
        }

        /** Runs the waiters whose keys were selected and leaves MINA the sessions. */
        @Override
        protected Iterator<NioSession> selectedSessions() {
            Set<SelectionKey> selected = selector.selectedKeys();
            for (Iterator<SelectionKey> i = selected.iterator(); i.hasNext();) {
                SelectionKey k = i.next();
                if (k.attachment() instanceof Waiter w) {
                    i.remove();
                    try {
                        w.ready(k);
                    } catch (RuntimeException e) {
                        LOG.error("Unexpected error in an accept or connect", e);
                    }
                }
            }
            return super.selectedSessions();
        }

        /** The sessions only (idle checks, disposal): MINA takes every key's attachment for a session. */
        @Override
        protected Iterator<NioSession> allSessions() {
            List<NioSession> sessions = new ArrayList<>();
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof NioSession s) {
                    sessions.add(s);
                }
            }
            return sessions.iterator();
        }

        /**
         * MINA's check, run when a select returns early with nothing selected: a key whose socket is not connected
         * is cancelled. A connect under way is not connected yet, and is left alone.
         */
        @Override
        protected boolean isBrokenConnection() throws IOException {
            boolean broken = false;
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof NioSession && k.channel() instanceof SocketChannel c && !c.isConnected()) {
                    k.cancel();
                    broken = true;
                }
            }
            return broken;
        }

        /** MINA moves the sessions to a new selector (the epoll spin work-around); the waiters move with them. */
        @Override
        protected void registerNewSelector() throws IOException {
            Map<SelectionKey, Waiter> waiters = new HashMap<>();
            for (SelectionKey k : selector.keys()) {
                if (k.attachment() instanceof Waiter w && k.isValid()) {
                    waiters.put(k, w);
                }
            }
            Map<SelectableChannel, Integer> ops = new HashMap<>();
            waiters.forEach((k, w) -> {
                ops.put(k.channel(), k.interestOps());
                k.cancel();
            });
            selector.selectNow(); // the cancelled keys leave the old selector before MINA walks its keys
            closeDeregistered();
            super.registerNewSelector();
            for (Map.Entry<SelectionKey, Waiter> e : waiters.entrySet()) {
                SelectableChannel c = e.getKey().channel();
                if (c.isOpen()) {
                    e.getValue().rekeyed(c.register(selector, ops.get(c), e.getValue()));
                }
            }
        }

        /**
         * MINA reads a readable TCP session until a read returns 0, so every read event costs a second system
         * call that finds nothing (and, for a heap buffer, a second trip through the JDK's temporary direct
         * buffer). A read that did not fill the buffer has taken what the socket held; the JDK's selector is
         * level-triggered, so anything that arrives later, and end of stream, is reported at the next select.
         * The second call of the same event therefore answers 0 without a system call.
         */
        @Override
        protected int read(NioSession session, IoBuffer buf) throws Exception {
            if (buf == drained) {
                drained = null;
                return 0;
            }
            int n = readThroughDirect(session, buf);
            drained = n > 0 && buf.hasRemaining() ? buf : null;
            return n;
        }

        /**
         * Reads into this thread's own direct buffer, then copies into MINA's heap buffer: what the JDK does for
         * a heap buffer anyway, without its per-call thread-local look-up of a temporary direct buffer.
         */
        private int readThroughDirect(NioSession session, IoBuffer buf) throws Exception {
            if (buf.isDirect()) {
                return super.read(session, buf);
            }
            direct.clear();
            direct.limit(Math.min(direct.capacity(), buf.remaining()));
            int n = super.read(session, direct);
            if (n > 0) {
                direct.flip();
                buf.put(direct);
            }
            return n;
        }

        /**
         * Writes a heap buffer through this thread's own direct buffer, as reads are: the JDK would copy it into a
         * temporary direct buffer found through a thread-local look-up on every write (a profile of ws-echo put
         * a tenth of the I/O thread's Java time in that look-up).
         */
        @Override
        protected int write(NioSession session, IoBuffer buf, int length) throws java.io.IOException {
            ByteBuffer src = buf.buf();
            if (buf.isDirect() || !src.hasArray()) {
                return super.write(session, buf, length);
            }
            int n = Math.min(Math.min(src.remaining(), length), direct.capacity());
            int pos = src.position();
            direct.clear();
            direct.buf().put(src.array(), src.arrayOffset() + pos, n);
            direct.flip();
            int written = super.write(session, direct, n);
            if (written > 0) {
                src.position(pos + written);
            }
            return written;
        }

        void wake() {
            wakeup();
        }
    }

    private final Processor[] processors;
    private final ExecutorService[] executors;
    private final AtomicInteger next = new AtomicInteger();

    ProcessorPool(int size) {
        processors = new Processor[size];
        executors = new ExecutorService[size];
        for (int i = 0; i < size; i++) {
            int index = i;
            executors[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "passerelle-io-" + index);
                t.setDaemon(true);
                processors[index].thread = t;
                return t;
            });
            processors[i] = new Processor(i, executors[i]);
        }
    }

    /** The processor index of a connection's session (a backend connection opened for it gets the same one). */
    static int affinityOf(Connection c) {
        Integer i = (Integer) c.session().getAttribute(AFFINITY);
        return i == null ? -1 : i;
    }

    /** The processor index of a session, assigning one round-robin if it has none yet. */
    int affinity(IoSession session) {
        Integer i = (Integer) session.getAttribute(AFFINITY);
        if (i == null) {
            i = Math.floorMod(next.getAndIncrement(), processors.length);
            session.setAttribute(AFFINITY, i);
        }
        return i;
    }

    /** Starts every processor's loop (see {@link Processor#start}); {@code service} sets up the throwaway sessions. */
    void start(AbstractIoService service) throws IOException {
        for (Processor p : processors) {
            p.start(service, this);
        }
    }

    int size() {
        return processors.length;
    }

    Processor processor(int index) {
        return processors[index];
    }

    /** The next processor round-robin (for a connection with no client connection to follow). */
    int nextIndex() {
        return Math.floorMod(next.getAndIncrement(), processors.length);
    }

    private Processor of(IoSession session) {
        return processors[affinity(session)];
    }

    @Override
    public void add(NioSession session) {
        of(session).add(session);
    }

    @Override
    public void flush(NioSession session) {
        of(session).flush(session);
    }

    @Override
    public void write(NioSession session, org.apache.mina.core.write.WriteRequest writeRequest) {
        of(session).write(session, writeRequest);
    }

    @Override
    public void updateTrafficControl(NioSession session) {
        Processor p = of(session);
        p.updateTrafficControl(session);
        if (session.getCurrentWriteRequest() != null || !session.getWriteRequestQueue().isEmpty(session)) {
            // MINA 2.2 sets write interest from the queue alone: a half-written current request loses its
            // write interest and would stall for good. Scheduling a flush re-arms it.
            p.flush(session);
        }
        if (Thread.currentThread() != p.thread) {
            p.wake();
        }
    }

    @Override
    public void remove(NioSession session) {
        of(session).remove(session);
    }

    @Override
    public boolean isDisposing() {
        return processors[0].isDisposing();
    }

    @Override
    public boolean isDisposed() {
        return processors[0].isDisposed();
    }

    @Override
    public void dispose() {
        for (Processor p : processors) {
            p.dispose();
        }
        for (ExecutorService e : executors) {
            e.shutdownNow();
        }
    }
}
