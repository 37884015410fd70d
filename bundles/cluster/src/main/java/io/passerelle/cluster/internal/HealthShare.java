package io.passerelle.cluster.internal;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;

import io.passerelle.api.SharedHealth;

/**
 * Health-check verdicts shared between nodes ({@code share.health}): a map {@code passerelle.health} whose keys are
 * {@code BALANCER\nMEMBER\nNODE}, one for each member a node's health check holds down, removed when it passes
 * again or when the node leaves the cluster. Each node keeps its own copy of who holds what down, filled from the
 * map's events: {@link #heldDownBy} reads it and never waits for the cluster. Writes go through the node's thread.
 */
final class HealthShare implements SharedHealth, MembershipListener {

    private static final Logger LOG = LoggerFactory.getLogger(HealthShare.class);
    static final String HEALTH_MAP = "passerelle.health";
    /** The member attribute that names the Passerelle node a Hazelcast member is. */
    static final String NODE_ATTRIBUTE = "passerelle.node";

    private final String self;
    private final Executor thread;
    private volatile IMap<String, String> map;
    /** "BALANCER\nMEMBER" to the other nodes that hold it down. */
    private final Map<String, Set<String>> downElsewhere = new ConcurrentHashMap<>();
    /** What this node holds down, published again after a merge. */
    private final Set<String> ownDown = ConcurrentHashMap.newKeySet();

    HealthShare(String self, Executor thread) {
        this.self = self;
        this.thread = thread;
    }

    /** Starts sharing through the engine's map (on the node's thread, once joined). */
    void attach(IMap<String, String> health) {
        Changes changes = new Changes();
        health.addEntryListener(changes, false);
        for (String key : health.keySet()) {
            String[] k = key.split("\n", -1);
            if (k.length != 3) {
                continue;
            }
            if (k[2].equals(self)) {
                if (!ownDown.contains(k[0] + "\n" + k[1])) {
                    health.delete(key); // left by this node's earlier run
                }
            } else {
                changes.add(key);
            }
        }
        map = health;
        for (String member : ownDown) {
            health.set(member + "\n" + self, "down");
        }
    }

    /** After a split healed: this node's verdicts again, for the side that dropped them when it lost this node. */
    void republish() {
        IMap<String, String> m = map;
        if (m != null) {
            for (String member : ownDown) {
                m.set(member + "\n" + self, "down");
            }
        }
    }

    @Override
    public void verdict(String balancer, String member, boolean down) {
        String key = balancer + "\n" + member;
        if (down ? !ownDown.add(key) : !ownDown.remove(key)) {
            return;
        }
        thread.execute(() -> {
            IMap<String, String> m = map;
            if (m == null) {
                return; // published by attach
            }
            if (down) {
                m.set(key + "\n" + self, "down");
            } else {
                m.delete(key + "\n" + self);
            }
        });
    }

    @Override
    public String heldDownBy(String balancer, String member) {
        Set<String> nodes = downElsewhere.get(balancer + "\n" + member);
        if (nodes == null) {
            return null;
        }
        for (String n : nodes) {
            return n;
        }
        return null;
    }

    /** A node left: whatever it held down is up again as far as it is concerned. */
    @Override
    public void memberRemoved(MembershipEvent e) {
        String node = e.getMember().getAttribute(NODE_ATTRIBUTE);
        if (node == null || node.equals(self)) {
            return;
        }
        downElsewhere.values().forEach(nodes -> nodes.remove(node));
        downElsewhere.values().removeIf(Set::isEmpty);
        thread.execute(() -> {
            IMap<String, String> m = map;
            if (m != null) {
                for (String key : m.keySet()) {
                    if (key.endsWith("\n" + node)) {
                        m.delete(key);
                    }
                }
            }
        });
        LOG.info("Node {} left the cluster: its health-check verdicts no longer count", node);
    }

    @Override
    public void memberAdded(MembershipEvent e) {
        // its verdicts arrive as entries
    }

    /** The map's events, into this node's copy. */
    private final class Changes implements EntryAddedListener<String, String>, EntryRemovedListener<String, String>,
            EntryExpiredListener<String, String>, EntryMergedListener<String, String> {

        @Override
        public void entryAdded(EntryEvent<String, String> e) {
            add(e.getKey());
        }

        @Override
        public void entryMerged(EntryEvent<String, String> e) {
            add(e.getKey());
        }

        @Override
        public void entryRemoved(EntryEvent<String, String> e) {
            remove(e.getKey());
        }

        @Override
        public void entryExpired(EntryEvent<String, String> e) {
            remove(e.getKey());
        }

        void add(String key) {
            String[] k = key.split("\n", -1);
            if (k.length == 3 && !k[2].equals(self)) {
                downElsewhere.computeIfAbsent(k[0] + "\n" + k[1], x -> ConcurrentHashMap.newKeySet()).add(k[2]);
            }
        }

        void remove(String key) {
            String[] k = key.split("\n", -1);
            if (k.length == 3) {
                downElsewhere.computeIfPresent(k[0] + "\n" + k[1], (x, nodes) -> {
                    nodes.remove(k[2]);
                    return nodes.isEmpty() ? null : nodes;
                });
            }
        }
    }
}
