package io.passerelle.cluster.internal;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node's shared files and the cluster's copy of them in step, both ways. Everything here runs on the
 * cluster's one thread: no lock, and nothing of it ever runs on an I/O thread (the proxy reads its configuration
 * from Config Admin, which Karaf's file watcher fills from the files this writes).
 * <p>
 * <b>This node to the cluster</b>: {@link #scan()} looks at {@code etc/} (a file is read again only when its time
 * or size moved); a changed file is published once it has read the same twice in a row, so that a file being
 * written is never shipped half; a shared file gone from {@code etc/} is published as removed (a tombstone).
 * <p>
 * <b>The cluster to this node</b>: {@link #remote} writes what another node published, whole, or removes it.
 * <p>
 * <b>Joining</b> ({@link #reconcile}): for each file either side has, a node that never synced before takes the
 * cluster's copy (and gives the files the cluster lacks); a node that synced before gives what it changed since
 * (its file's time being later than the cluster's change), else takes the cluster's copy. Last writer wins, by the
 * time each change was made, on every node the same way. What was last in step is remembered in
 * {@code synced.properties} (file name and SHA-256), so that a restart knows what changed while the node was away.
 */
final class ConfigSync {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigSync.class);

    /** The cluster's copy: file name to {@link SharedFile#encode()}. */
    interface Shared {
        Map<String, String> entries();

        void put(String name, String value);
    }

    /** What {@link #decide} says to do with one file when joining. */
    enum Action {
        /** Both sides hold the same. */
        NOTHING,
        /** This node's file (or its removal) goes to the cluster. */
        GIVE,
        /** The cluster's copy (or its removal) comes here. */
        TAKE
    }

    private final ConfigDir dir;
    private final String self;
    private final Path stateFile;
    private final LongSupplier clock;
    private Shared shared;

    /** File name to the text last in step with the cluster (published or taken). */
    private final Map<String, String> known = new HashMap<>();
    /** The last scan's view of the files, to read a file only when it moved. */
    private Map<String, ConfigDir.Stamp> seen = new HashMap<>();
    /** Changed text read once, published when the next scan reads the same. */
    private final Map<String, String> settling = new HashMap<>();
    /** Files found gone once, published as removed when the next scan still misses them. */
    private final Set<String> vanishing = new HashSet<>();

    ConfigSync(ConfigDir dir, String self, Path stateFile, LongSupplier clock) {
        this.dir = dir;
        this.self = self;
        this.stateFile = stateFile;
        this.clock = clock;
    }

    /**
     * The decision for one file when a node joins.
     *
     * @param everSynced  whether this node was in step with a cluster before (it has a state file)
     * @param local       this node's text, null when it has no such file
     * @param localStamp  when this node's file last changed (epoch ms; for a file removed here, now)
     * @param lastHash    the SHA-256 of the text last in step, null when none
     * @param entry       the cluster's copy, null when it has none
     */
    static Action decide(boolean everSynced, String local, long localStamp, String lastHash, SharedFile entry) {
        if (entry == null) {
            return local == null ? Action.NOTHING : Action.GIVE;
        }
        if (Objects.equals(local, entry.content())) {
            return Action.NOTHING;
        }
        if (!everSynced) {
            return Action.TAKE;
        }
        boolean changedHere = !Objects.equals(hash(local), lastHash);
        return changedHere && localStamp > entry.stamp() ? Action.GIVE : Action.TAKE;
    }

    /**
     * Brings this node and the cluster in step after joining (or after the cluster healed from a split):
     * listener files last, so that a node that takes its listeners from the cluster opens them after the rest.
     */
    void reconcile(Shared cluster) {
        this.shared = cluster;
        Map<String, String> lastHashes = loadState();
        boolean everSynced = lastHashes != null;
        if (lastHashes == null) {
            lastHashes = Map.of();
        }
        Map<String, String> entries = cluster.entries();
        Set<String> names = new TreeSet<>((a, b) -> {
            boolean la = a.startsWith("io.passerelle.listener-");
            boolean lb = b.startsWith("io.passerelle.listener-");
            return la == lb ? a.compareTo(b) : la ? 1 : -1;
        });
        names.addAll(dir.scan().keySet());
        for (String name : entries.keySet()) {
            if (dir.shared(name)) {
                names.add(name);
            }
        }
        for (String name : lastHashes.keySet()) {
            if (dir.shared(name)) {
                names.add(name); // a file removed here while away (not one local.files now keeps here)
            }
        }
        int gave = 0;
        int took = 0;
        known.clear();
        for (String name : names) {
            String local = dir.read(name);
            SharedFile entry = SharedFile.decode(entries.get(name));
            long stamp = local == null ? clock.getAsLong() : dir.modified(name);
            switch (decide(everSynced, local, stamp, lastHashes.get(name), entry)) {
                case GIVE -> {
                    publish(name, local, stamp);
                    gave++;
                }
                case TAKE -> {
                    take(name, entry.content());
                    took++;
                }
                case NOTHING -> remember(name, local);
            }
        }
        seen = dir.scan();
        settling.clear();
        vanishing.clear();
        saveState();
        LOG.info("Cluster configuration in step: {} file(s) given to the cluster, {} taken from it, {} shared in all",
                gave, took, known.size());
    }

    /** Publishes what changed in {@code etc/} since the last scan. */
    void scan() {
        if (shared == null) {
            return;
        }
        Map<String, ConfigDir.Stamp> now = dir.scan();
        boolean changed = false;
        for (Map.Entry<String, ConfigDir.Stamp> e : now.entrySet()) {
            String name = e.getKey();
            if (e.getValue().equals(seen.get(name)) && !settling.containsKey(name)) {
                continue;
            }
            String text = dir.read(name);
            if (text == null || text.equals(known.get(name))) {
                settling.remove(name);
                continue;
            }
            if (!text.equals(settling.put(name, text))) {
                continue; // read once: publish when the next scan reads the same
            }
            settling.remove(name);
            publish(name, text, clock.getAsLong());
            changed = true;
        }
        for (String name : new ArrayList<>(known.keySet())) {
            if (now.containsKey(name)) {
                vanishing.remove(name);
            } else if (!vanishing.add(name)) {
                vanishing.remove(name);
                publish(name, null, clock.getAsLong());
                changed = true;
            }
        }
        seen = now;
        if (changed) {
            saveState();
        }
    }

    /** Another node's change (or the echo of one of ours, which changes nothing). */
    void remote(String name, String value) {
        if (shared == null || !dir.shared(name)) {
            return;
        }
        SharedFile f = SharedFile.decode(value);
        if (f == null) {
            LOG.warn("Cluster entry {} is not in a form this version reads; left alone", name);
            return;
        }
        if (Objects.equals(f.content(), known.get(name))) {
            return; // what this node already holds, or published itself
        }
        take(name, f.content());
        LOG.info("Configuration file {} {} by node {}", name, f.removed() ? "removed" : "changed", f.origin());
        saveState();
    }

    private void publish(String name, String text, long stamp) {
        remember(name, text);
        shared.put(name, new SharedFile(stamp, self, text).encode());
        LOG.info("Configuration file {} {}: given to the cluster", name, text == null ? "removed" : "changed");
    }

    private void take(String name, String text) {
        remember(name, text);
        settling.remove(name);
        vanishing.remove(name);
        dir.put(name, text);
    }

    private void remember(String name, String text) {
        if (text == null) {
            known.remove(name);
        } else {
            known.put(name, text);
        }
    }

    // ---- what was last in step, across restarts

    /** File name to SHA-256 of the text last in step; null when this node never synced. */
    private Map<String, String> loadState() {
        if (!Files.exists(stateFile)) {
            return null;
        }
        Properties p = new Properties();
        try (var in = Files.newInputStream(stateFile)) {
            p.load(in);
        } catch (IOException e) {
            LOG.warn("Cannot read {} ({}): this node takes the cluster's configuration as a new node would",
                    stateFile, e.getMessage());
            return null;
        }
        Map<String, String> out = new HashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    private void saveState() {
        StringBuilder s = new StringBuilder("# files in step with the cluster (name = SHA-256), written by passerelle-cluster\n");
        new TreeSet<>(known.keySet()).forEach(name -> s.append(name).append(" = ").append(hash(known.get(name))).append('\n'));
        try {
            Files.createDirectories(stateFile.getParent());
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.writeString(tmp, s, UTF_8);
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String hash(String text) {
        if (text == null) {
            return null;
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
