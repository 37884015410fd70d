package io.passerelle.core.internal.net;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the tasks of one client connection one at a time, without locks: the thread that finds the context
 * idle runs the task (and whatever was queued meanwhile); a thread that finds it busy queues the task and
 * returns at once. I/O events of the client session and of its backend sessions, timers and DNS results all
 * pass through here, so the state of a connection is only ever touched by one thread at a time and no I/O
 * thread ever waits.
 */
public final class SerialContext implements Executor {

    private static final Logger LOG = LoggerFactory.getLogger(SerialContext.class);

    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * Enters the context if it is idle, first running what was queued before (so events keep their order);
     * the caller must then {@link #exit()}.
     */
    public boolean tryEnter() {
        if (!running.compareAndSet(false, true)) {
            return false;
        }
        Runnable task;
        while ((task = queue.poll()) != null) {
            run(task);
        }
        return true;
    }

    /** Leaves the context, running what others queued meanwhile. */
    public void exit() {
        running.set(false);
        if (!queue.isEmpty()) {
            drain();
        }
    }

    @Override
    public void execute(Runnable task) {
        queue.offer(task);
        drain();
    }

    private void drain() {
        while (!queue.isEmpty() && running.compareAndSet(false, true)) {
            try {
                Runnable task;
                while ((task = queue.poll()) != null) {
                    run(task);
                }
            } finally {
                running.set(false);
            }
        }
    }

    /** Runs a task, logging (not throwing) what it throws. */
    public static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException | LinkageError e) {
            LOG.error("Unexpected error in a connection task", e);
        }
    }
}
