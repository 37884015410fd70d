package io.passerelle.core.internal.backend;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import io.passerelle.core.internal.net.SerialContext;

/**
 * Idle keep-alive connections per backend {@code host:port} and I/O processor (so a reused connection is
 * served by the thread of the exchange that reuses it), most recently used first. Lock-free: taken and
 * returned from any I/O thread, reaped by the core's timer. A parked connection has no context: if it talks it
 * is closed, if it closes it leaves the pool (see {@link io.passerelle.core.internal.net.Connection#park}).
 */
public final class BackendPool {

    private record Parked(HttpClientConnection connection, long since) {
    }

    private static final class Slot {
        final ConcurrentLinkedDeque<Parked> idle = new ConcurrentLinkedDeque<>();
        final AtomicInteger size = new AtomicInteger();
    }

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    /** An open idle connection to {@code key}, now bound to {@code ctx} and heard by {@code listener}; or null. */
    public HttpClientConnection take(String key, SerialContext ctx, ResponseListener listener) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return null;
        }
        Parked p;
        while ((p = slot.idle.pollFirst()) != null) {
            slot.size.decrementAndGet();
            if (p.connection.isOpen()) {
                p.connection.listener(listener);
                p.connection.connection().bind(ctx, p.connection);
                return p.connection;
            }
        }
        return null;
    }

    /** Parks a reusable connection under its key, or closes it when the slot is full. */
    public void offer(HttpClientConnection c, int max) {
        c.listener(null);
        Slot slot = slots.computeIfAbsent(c.key(), k -> new Slot());
        if (slot.size.incrementAndGet() > max) {
            slot.size.decrementAndGet();
            c.close();
            return;
        }
        Parked parked = new Parked(c, System.nanoTime());
        slot.idle.addFirst(parked);
        c.connection().park(() -> {
            if (slot.idle.remove(parked)) {
                slot.size.decrementAndGet();
            }
        });
    }

    /** Closes connections idle for longer than the timeout. */
    public void reap(long idleTimeoutMillis) {
        long limit = System.nanoTime() - idleTimeoutMillis * 1_000_000L;
        for (Slot slot : slots.values()) {
            for (Iterator<Parked> it = slot.idle.descendingIterator(); it.hasNext();) {
                Parked p = it.next();
                if (p.since - limit < 0 && slot.idle.remove(p)) {
                    slot.size.decrementAndGet();
                    p.connection.close();
                }
            }
        }
    }

    public void closeAll() {
        for (Slot slot : slots.values()) {
            Parked p;
            while ((p = slot.idle.pollFirst()) != null) {
                slot.size.decrementAndGet();
                p.connection.close();
            }
        }
    }
}
