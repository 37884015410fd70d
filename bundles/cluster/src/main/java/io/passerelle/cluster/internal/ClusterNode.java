package io.passerelle.cluster.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.hazelcast.cluster.Member;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.spi.merge.LatestUpdateMergePolicy;

import io.passerelle.api.ClusterMembership;

/**
 * One node's membership: a Hazelcast member (loopback-only unless configured otherwise: TCP/IP join with the listed
 * members, multicast, auto-detection and phone-home off, bound to one address) and the {@link ConfigSync} that
 * shares the configuration files through it. The engine starts and every file change is handled on the node's one
 * thread ({@code passerelle-cluster}), never on the caller's.
 */
final class ClusterNode implements ClusterMembership {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
    /** The cluster's copy of the shared files. */
    static final String CONFIG_MAP = "passerelle.config";

    private final ClusterSettings settings;
    private final ConfigSync sync;
    private final ScheduledExecutorService thread;
    /** Shared health-check verdicts, when share.health is on (else null). */
    private final HealthShare health;
    private volatile HazelcastInstance instance;
    private volatile boolean stopped;

    ClusterNode(ClusterSettings settings, Path etc, Path data) {
        this.settings = settings;
        this.sync = new ConfigSync(new ConfigDir(etc, settings.localMatchers()), settings.nodeName(),
                data.resolve("synced.properties"), System::currentTimeMillis);
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "passerelle-cluster");
            t.setDaemon(true);
            return t;
        });
        this.health = settings.shareHealth() ? new HealthShare(settings.nodeName(), this::post) : null;
    }

    /** The shared verdicts to register as {@link io.passerelle.api.SharedHealth}, or null when not shared. */
    HealthShare health() {
        return health;
    }

    /** Starts the engine and the sharing, on the node's thread. */
    void start() {
        thread.execute(this::join);
    }

    /** Runs a task on the node's thread; once the node stops, nothing more runs (an engine event may still come). */
    private void post(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException stopping) {
            // the node is stopping: the change is left to the next start's reconciliation
        }
    }

    private void join() {
        try {
            instance = Hazelcast.newHazelcastInstance(engineConfig(settings));
        } catch (RuntimeException e) {
            LOG.error("Cluster engine of node {} did not start on {} ({}): this node serves alone with its own files",
                    settings.nodeName(), settings.address(), e.toString());
            return;
        }
        if (stopped) {
            // stopped while the engine was starting: it does not outlive the node
            HazelcastInstance i = instance;
            instance = null;
            i.shutdown();
            return;
        }
        IMap<String, String> map = instance.getMap(CONFIG_MAP);
        ConfigSync.Shared shared = new ConfigSync.Shared() {
            @Override
            public Map<String, String> entries() {
                return new HashMap<>(map);
            }

            @Override
            public void put(String name, String value) {
                map.set(name, value);
            }
        };
        map.addEntryListener(new Changes(), true);
        instance.getLifecycleService().addLifecycleListener(e -> {
            if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
                LOG.info("Node {} is back in cluster {}: bringing the configuration in step",
                        settings.nodeName(), settings.clusterName());
                post(() -> {
                    sync.reconcile(shared);
                    if (health != null) {
                        health.republish();
                    }
                });
            }
        });
        sync.reconcile(shared);
        if (health != null) {
            instance.getCluster().addMembershipListener(health);
            health.attach(instance.getMap(HealthShare.HEALTH_MAP));
        }
        thread.scheduleWithFixedDelay(this::scan, settings.scanIntervalMillis(), settings.scanIntervalMillis(),
                TimeUnit.MILLISECONDS);
        LOG.info("Node {} joined cluster {} on {}: {}", settings.nodeName(), settings.clusterName(),
                settings.address(), describe());
    }

    private void scan() {
        try {
            sync.scan();
        } catch (RuntimeException e) {
            if (!stopped) {
                LOG.warn("Looking at etc/ for changed files failed: {}", e.toString());
            }
        }
    }

    /**
     * Another node's change, handed to the node's thread; a merge after a split too (the side that had the later
     * change of a file wins, {@link LatestUpdateMergePolicy}).
     */
    private final class Changes implements EntryAddedListener<String, String>, EntryUpdatedListener<String, String>,
            EntryMergedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> e) {
            handle(e);
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> e) {
            handle(e);
        }

        @Override
        public void entryMerged(EntryEvent<String, String> e) {
            handle(e);
        }

        private void handle(EntryEvent<String, String> e) {
            String name = e.getKey();
            String value = e.getValue();
            post(() -> {
                try {
                    sync.remote(name, value);
                } catch (RuntimeException ex) {
                    if (!stopped) {
                        LOG.warn("Taking {} from the cluster failed: {}", name, ex.toString());
                    }
                }
            });
        }
    }

    /** Stops sharing and leaves the cluster; the files stay as they are. */
    void stop() {
        stopped = true;
        HazelcastInstance i = instance;
        instance = null;
        if (i != null) {
            i.shutdown();
        }
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The engine's configuration: every way of finding or calling anyone not listed is off. */
    static Config engineConfig(ClusterSettings s) {
        Config c = new Config();
        c.setClusterName(s.clusterName());
        c.setInstanceName("passerelle-" + s.nodeName() + "-" + s.port());
        c.setClassLoader(ClusterNode.class.getClassLoader());
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.logging.type", "slf4j");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        // a member seen again after a split merges within seconds, not minutes
        c.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
        c.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
        c.getJetConfig().setEnabled(false);
        c.getMetricsConfig().setEnabled(false);
        NetworkConfig n = c.getNetworkConfig();
        n.setPort(s.port()).setPortAutoIncrement(false);
        n.getInterfaces().setEnabled(true).setInterfaces(List.of(s.bind()));
        JoinConfig j = n.getJoin();
        j.getMulticastConfig().setEnabled(false);
        j.getAutoDetectionConfig().setEnabled(false);
        j.getAwsConfig().setEnabled(false);
        j.getGcpConfig().setEnabled(false);
        j.getAzureConfig().setEnabled(false);
        j.getKubernetesConfig().setEnabled(false);
        j.getEurekaConfig().setEnabled(false);
        List<String> members = new ArrayList<>(s.members());
        if (!members.contains(s.address())) {
            members.add(s.address());
        }
        j.getTcpIpConfig().setEnabled(true).setMembers(members);
        MapConfig files = new MapConfig(CONFIG_MAP);
        files.setBackupCount(3); // every member of a small cluster holds the files
        files.getMergePolicyConfig().setPolicy(LatestUpdateMergePolicy.class.getName());
        files.setPerEntryStatsEnabled(true); // the last-update times LatestUpdateMergePolicy compares
        c.addMapConfig(files);
        MapConfig verdicts = new MapConfig(HealthShare.HEALTH_MAP);
        verdicts.setBackupCount(3);
        c.addMapConfig(verdicts);
        c.getMemberAttributeConfig().setAttribute(HealthShare.NODE_ATTRIBUTE, s.nodeName());
        return c;
    }

    // ---- ClusterMembership

    @Override
    public String nodeName() {
        return settings.nodeName();
    }

    @Override
    public String clusterName() {
        return settings.clusterName();
    }

    @Override
    public boolean inCluster() {
        return members().size() > 1;
    }

    @Override
    public List<String> members() {
        HazelcastInstance i = instance;
        if (i == null || !i.getLifecycleService().isRunning()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Member m : i.getCluster().getMembers()) {
            out.add(m.getAddress().getHost() + ":" + m.getAddress().getPort());
        }
        return out;
    }
}
