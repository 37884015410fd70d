package io.passerelle.core.internal.net;

import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.mina.core.buffer.IoBuffer;
import org.apache.mina.core.service.IoProcessor;
import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.transport.socket.nio.NioProcessor;
import org.apache.mina.transport.socket.nio.NioSession;

/**
 * The I/O processors shared by every listener and the backend connector, with affinity: an accepted
 * session is given a processor round-robin, and a backend session opened for it is put on the same
 * processor, so a client connection and its backend connections are served by one thread and hand data to
 * each other without crossing threads. When read interest is changed from another thread (a timer, a
 * pooled connection of another processor), the processor is woken so the change applies at once: the JDK's
 * selector only applies interest changes at its next select.
 */
final class ProcessorPool implements IoProcessor<NioSession> {

    static final AttributeKey AFFINITY = new AttributeKey(ProcessorPool.class, "affinity");

    /** A processor whose selector can be woken from outside, and that reads once per readiness event. */
    private static final class Processor extends NioProcessor {
        volatile Thread thread;
        /** The buffer of the read event whose last read came back short of filling it (I/O thread only). */
        private IoBuffer drained;
        /** Where reads land before MINA's heap buffer (I/O thread only); as large as MINA's largest read buffer. */
        private final IoBuffer direct = IoBuffer.wrap(ByteBuffer.allocateDirect(65536));

        Processor(java.util.concurrent.Executor executor) {
            super(executor);
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
            processors[i] = new Processor(executors[i]);
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
