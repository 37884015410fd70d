package io.passerelle.core.internal.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.mina.core.session.AttributeKey;
import org.apache.mina.core.session.IoSessionAttributeMap;
import org.junit.jupiter.api.Test;

class SessionDataTest {

    private static final AttributeKey A = new AttributeKey(SessionDataTest.class, "a");
    private static final AttributeKey B = new AttributeKey(SessionDataTest.class, "b");

    private final IoSessionAttributeMap map = new SessionData().getAttributeMap(null);

    @Test
    void behavesAsMinasMapDoes() {
        assertNull(map.setAttribute(null, A, 1));
        assertEquals(1, map.setAttribute(null, A, 2));
        assertEquals(2, map.getAttribute(null, A, null));
        assertEquals(7, map.getAttribute(null, B, 7));
        // an equal key that is another instance finds the same entry
        assertEquals(2, map.getAttribute(null, new AttributeKey(SessionDataTest.class, "a"), null));
        assertNull(map.setAttributeIfAbsent(null, B, "x"));
        assertEquals("x", map.setAttributeIfAbsent(null, B, "y"));
        assertEquals(List.of(A, B), List.copyOf(map.getAttributeKeys(null)));
        assertFalse(map.replaceAttribute(null, B, "y", "z"));
        assertTrue(map.replaceAttribute(null, B, "x", "z"));
        assertFalse(map.removeAttribute(null, B, "x"));
        assertTrue(map.removeAttribute(null, B, "z"));
        assertFalse(map.containsAttribute(null, B));
        assertEquals(2, map.setAttribute(null, A, null)); // null removes, as in MINA's map
        assertTrue(map.getAttributeKeys(null).isEmpty());
        assertNull(map.removeAttribute(null, A));
    }

    @Test
    void writersOnSeveralThreadsLoseNothing() throws Exception {
        int threads = 4;
        int perThread = 200;
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger failures = new AtomicInteger();
        Thread[] ts = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int id = t;
            ts[t] = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < perThread; i++) {
                        map.setAttribute(null, id + ":" + i, i);
                    }
                } catch (InterruptedException e) {
                    failures.incrementAndGet();
                }
            });
            ts[t].start();
        }
        go.countDown();
        for (Thread t : ts) {
            t.join();
        }
        assertEquals(0, failures.get());
        assertEquals(threads * perThread, map.getAttributeKeys(null).size());
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                assertEquals(i, map.getAttribute(null, t + ":" + i, null));
            }
        }
    }
}
