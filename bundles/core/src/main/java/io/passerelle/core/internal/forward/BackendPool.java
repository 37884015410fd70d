package io.passerelle.core.internal.forward;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

import io.passerelle.api.BackendConnection;

/**
 * Idle keep-alive connections per backend {@code host:port} and I/O affinity (so a reused connection is
 * served by the thread of the exchange that reuses it), most recently used first. Lock-free: taken and
 * returned from any I/O thread, reaped by the module's scheduler.
 */
final class BackendPool {

    private record Parked(BackendConnection connection, long since) {
    }

    private static final class Slot {
        final ConcurrentLinkedDeque<Parked> idle = new ConcurrentLinkedDeque<>();
        final AtomicInteger size = new AtomicInteger();
    }

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    /** An open idle connection to {@code key}, or null. */
    BackendConnection take(String key) {
        Slot slot = slots.get(key);
        if (slot == null) {
            return null;
        }
        Parked p;
        while ((p = slot.idle.pollFirst()) != null) {
            slot.size.decrementAndGet();
            if (p.connection.isOpen()) {
                return p.connection;
            }
        }
        return null;
    }

    /** Parks a reusable connection under {@code key}, or closes it when the slot is full. */
    void offer(String key, BackendConnection c, int max) {
        Slot slot = slots.computeIfAbsent(key, k -> new Slot());
        if (slot.size.incrementAndGet() > max) {
            slot.size.decrementAndGet();
            c.close();
            return;
        }
        Parked parked = new Parked(c, System.nanoTime());
        slot.idle.addFirst(parked);
        c.unbind(() -> {
            if (slot.idle.remove(parked)) {
                slot.size.decrementAndGet();
            }
        });
    }

    /** Closes connections idle for longer than the timeout. */
    void reap(long idleTimeoutMillis) {
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

    void closeAll() {
        for (Slot slot : slots.values()) {
            Parked p;
            while ((p = slot.idle.pollFirst()) != null) {
                slot.size.decrementAndGet();
                p.connection.close();
            }
        }
    }
}
