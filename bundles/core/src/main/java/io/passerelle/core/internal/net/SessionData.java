package io.passerelle.core.internal.net;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

import org.apache.mina.core.session.DefaultIoSessionDataStructureFactory;
import org.apache.mina.core.session.IoSession;
import org.apache.mina.core.session.IoSessionAttributeMap;
import org.apache.mina.core.session.IoSessionDataStructureFactory;
import org.apache.mina.core.write.WriteRequestQueue;

/**
 * Session attribute maps sized for what a session here holds: the core sets two attributes (its
 * {@link Connection} and the processor affinity) and MINA one or two while it sets a session up. MINA's default
 * map is a {@code ConcurrentHashMap} per session (its table and one node per attribute: about 290 bytes, twice
 * per tunnel); this one is a copy-on-write array of keys and values behind a volatile reference (about 90
 * bytes), read without a lock on every event (the connection's look-up), changed under the map's lock, which
 * happens a few times in a session's life. The write request queues stay MINA's.
 */
final class SessionData implements IoSessionDataStructureFactory {

    private final IoSessionDataStructureFactory defaults = new DefaultIoSessionDataStructureFactory();

    @Override
    public IoSessionAttributeMap getAttributeMap(IoSession session) {
        return new Attributes();
    }

    @Override
    public WriteRequestQueue getWriteRequestQueue(IoSession session) throws Exception {
        return defaults.getWriteRequestQueue(session);
    }

    /** Keys at even indexes, each followed by its value; never changed in place once published. */
    static final class Attributes implements IoSessionAttributeMap {

        private static final Object[] EMPTY = {};

        private volatile Object[] entries = EMPTY;

        private static int indexOf(Object[] e, Object key) {
            for (int i = 0; i < e.length; i += 2) {
                if (e[i] == key) {
                    return i;
                }
            }
            // an equal key of another instance (rare); keys are looked up absent on every event too (MINA asks
            // for attributes a plain session never has), so the hash, cached by AttributeKey's name, goes first
            int h = key.hashCode();
            for (int i = 0; i < e.length; i += 2) {
                if (e[i].hashCode() == h && e[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public Object getAttribute(IoSession session, Object key, Object defaultValue) {
            Objects.requireNonNull(key, "key");
            Object[] e = entries;
            int i = indexOf(e, key);
            return i < 0 ? defaultValue : e[i + 1];
        }

        @Override
        public Object setAttribute(IoSession session, Object key, Object value) {
            Objects.requireNonNull(key, "key");
            if (value == null) {
                return removeAttribute(session, key);
            }
            synchronized (this) {
                Object[] e = entries;
                int i = indexOf(e, key);
                Object[] n;
                Object old = null;
                if (i < 0) {
                    n = Arrays.copyOf(e, e.length + 2);
                    n[e.length] = key;
                    n[e.length + 1] = value;
                } else {
                    old = e[i + 1];
                    n = e.clone();
                    n[i + 1] = value;
                }
                entries = n;
                return old;
            }
        }

        @Override
        public synchronized Object setAttributeIfAbsent(IoSession session, Object key, Object value) {
            Objects.requireNonNull(key, "key");
            if (value == null) {
                return null;
            }
            Object[] e = entries;
            int i = indexOf(e, key);
            if (i >= 0) {
                return e[i + 1];
            }
            setAttribute(session, key, value);
            return null;
        }

        @Override
        public synchronized Object removeAttribute(IoSession session, Object key) {
            Objects.requireNonNull(key, "key");
            Object[] e = entries;
            int i = indexOf(e, key);
            if (i < 0) {
                return null;
            }
            Object old = e[i + 1];
            Object[] n = new Object[e.length - 2];
            System.arraycopy(e, 0, n, 0, i);
            System.arraycopy(e, i + 2, n, i, e.length - i - 2);
            entries = n.length == 0 ? EMPTY : n;
            return old;
        }

        @Override
        public synchronized boolean removeAttribute(IoSession session, Object key, Object value) {
            Objects.requireNonNull(key, "key");
            if (value == null) {
                return false;
            }
            Object current = getAttribute(session, key, null);
            if (!value.equals(current)) {
                return false;
            }
            removeAttribute(session, key);
            return true;
        }

        @Override
        public synchronized boolean replaceAttribute(IoSession session, Object key, Object oldValue, Object newValue) {
            Object current = getAttribute(session, key, null);
            if (current == null || !current.equals(oldValue)) {
                return false;
            }
            setAttribute(session, key, newValue);
            return true;
        }

        @Override
        public boolean containsAttribute(IoSession session, Object key) {
            return indexOf(entries, key) >= 0;
        }

        @Override
        public Set<Object> getAttributeKeys(IoSession session) {
            Object[] e = entries;
            Set<Object> keys = new LinkedHashSet<>();
            for (int i = 0; i < e.length; i += 2) {
                keys.add(e[i]);
            }
            return keys;
        }

        @Override
        public void dispose(IoSession session) {
            // nothing to release
        }
    }
}
