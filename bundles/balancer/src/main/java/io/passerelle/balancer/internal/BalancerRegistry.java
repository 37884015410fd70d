package io.passerelle.balancer.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.BackendProbe;
import io.passerelle.api.SharedHealth;
import io.passerelle.api.spi.LbMethod;
import io.passerelle.balancer.api.BalancerControl;
import io.passerelle.common.config.ConfigException;
import io.passerelle.common.osgi.ServiceProperties;

/**
 * The balancers of this module by name, their health checks (on a scheduler of this component, off the I/O
 * threads), and the runtime member control of the shell and JMX ({@link BalancerControl}), which writes each
 * change back through Config Admin so that it survives a restart.
 */
@Component(service = {BalancerRegistry.class, BalancerControl.class})
public final class BalancerRegistry implements BalancerControl {

    private static final Logger LOG = LoggerFactory.getLogger(BalancerRegistry.class);

    private final ConfigurationAdmin configurationAdmin;
    private final Map<String, Balancer> byPid = new ConcurrentHashMap<>();
    private final Map<String, Balancer> byName = new ConcurrentHashMap<>();
    private final Map<String, ScheduledFuture<?>> checks = new ConcurrentHashMap<>();
    private final Map<String, LbMethod> methods = new ConcurrentHashMap<>();
    private final Set<String> warnedMethods = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService scheduler;
    private final HealthChecker checker;
    /** Other nodes' verdicts, while passerelle-cluster shares them (share.health). */
    private volatile SharedHealth sharedHealth;

    @Activate
    public BalancerRegistry(@Reference ConfigurationAdmin configurationAdmin, @Reference BackendProbe probe) {
        this.configurationAdmin = configurationAdmin;
        this.scheduler = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "passerelle-balancer-hc");
            t.setDaemon(true);
            return t;
        });
        this.checker = new HealthChecker(probe, scheduler, this::verdictChanged);
        // other nodes' verdicts are copied into each member twice a second: elections read a field, never the cluster
        scheduler.scheduleWithFixedDelay(this::refreshSharedHealth, 500, 500, TimeUnit.MILLISECONDS);
    }

    /** The cluster's shared verdicts (passerelle-cluster with share.health on): bound and unbound at runtime. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindSharedHealth(SharedHealth shared) {
        sharedHealth = shared;
        // what this node holds down now, for the nodes that did not hear it
        scheduler.execute(() -> byPid.values().forEach(b -> b.members().stream().filter(Member::healthDown)
                .forEach(m -> shared.verdict(b.name(), m.spec().urlText(), true))));
        LOG.info("Health-check verdicts shared with the cluster");
    }

    void unbindSharedHealth(SharedHealth shared) {
        if (sharedHealth == shared) {
            sharedHealth = null;
            byPid.values().forEach(b -> b.members().forEach(m -> m.downOn(null)));
        }
    }

    private void verdictChanged(Balancer b, Member m, boolean down) {
        SharedHealth shared = sharedHealth;
        if (shared != null) {
            shared.verdict(b.name(), m.spec().urlText(), down);
        }
    }

    private void refreshSharedHealth() {
        SharedHealth shared = sharedHealth;
        if (shared == null) {
            return; // not shared: unbinding cleared what other nodes held down
        }
        for (Balancer b : byPid.values()) {
            for (Member m : b.members()) {
                String node = shared.heldDownBy(b.name(), m.spec().urlText());
                String was = m.downOn();
                if (!Objects.equals(node, was)) {
                    m.downOn(node);
                    if (node != null) {
                        LOG.warn("Balancer {}: member {} is held down by node {}'s health check: taken out", b.name(), m, node);
                    } else {
                        LOG.info("Balancer {}: member {} is no longer held down by another node", b.name(), m);
                    }
                }
            }
        }
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
        byPid.clear();
        byName.clear();
    }

    /** The lbmethod whiteboard: methods by their {@value LbMethod#NAME} property, coming and going at runtime. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindLbMethod(LbMethod method, Map<String, Object> props) {
        for (String name : ServiceProperties.names(props.get(LbMethod.NAME))) {
            methods.put(name, method);
            warnedMethods.remove(name);
            LOG.info("Load-balancing method {} available", name);
        }
    }

    void unbindLbMethod(LbMethod method, Map<String, Object> props) {
        for (String name : ServiceProperties.names(props.get(LbMethod.NAME))) {
            methods.remove(name, method);
        }
    }

    /**
     * The balancer's lbmethod, or null when no service of that name is installed: then one WARN, until a
     * method of that name appears (and again if it goes away later).
     */
    LbMethod method(Balancer b) {
        String name = b.spec().lbmethod().toLowerCase();
        LbMethod m = methods.get(name);
        if (m == null && warnedMethods.add(name)) {
            LOG.warn("Balancer {}: lbmethod '{}' is not installed – answering 503 until it is", b.name(), name);
        }
        return m;
    }

    Balancer byName(String name) {
        return byName.get(name);
    }

    /** Takes a new or changed configuration. */
    synchronized void put(String pid, BalancerSpec spec) {
        Balancer other = byName.get(spec.name());
        if (other != null && !pid.equals(other.spec().pid())) {
            throw new ConfigException("name", "balancer '" + spec.name() + "' is already defined by " + other.spec().origin());
        }
        Balancer b = byPid.get(pid);
        if (b == null) {
            b = new Balancer(spec);
            byPid.put(pid, b);
        } else {
            if (!b.name().equals(spec.name())) {
                byName.remove(b.name(), b);
            }
            b.update(spec);
        }
        byName.put(spec.name(), b);
        schedule(pid, b);
        LOG.info("Balancer {} ({} members, lbmethod {}): {}", spec.name(), spec.members().size(), spec.lbmethod(),
                spec.members().stream().map(MemberSpec::format).collect(Collectors.joining(", ")));
    }

    synchronized void remove(String pid) {
        Balancer b = byPid.remove(pid);
        ScheduledFuture<?> f = checks.remove(pid);
        if (f != null) {
            f.cancel(false);
        }
        if (b != null) {
            byName.remove(b.name(), b);
            LOG.info("Balancer {} removed", b.name());
        }
    }

    private void schedule(String pid, Balancer b) {
        ScheduledFuture<?> old = checks.remove(pid);
        if (old != null) {
            old.cancel(false);
        }
        BalancerSpec.HealthCheckSpec hc = b.spec().hc();
        if (hc == null) {
            b.members().forEach(m -> m.healthDown(false));
            return;
        }
        checks.put(pid, scheduler.scheduleWithFixedDelay(() -> checkAll(b), 0, hc.intervalMillis(),
                TimeUnit.MILLISECONDS));
    }

    private void checkAll(Balancer b) {
        BalancerSpec.HealthCheckSpec hc = b.spec().hc();
        if (hc == null) {
            return;
        }
        for (Member m : b.members()) {
            try {
                checker.check(b, hc, m);
            } catch (RuntimeException e) {
                LOG.warn("Balancer {}: health check of {} failed to run", b.name(), m, e);
            }
        }
    }

    // ------------------------------------------------------------------ BalancerControl

    @Override
    public List<BalancerView> balancers() {
        long now = System.nanoTime();
        List<BalancerView> out = new ArrayList<>();
        List<Balancer> all = new ArrayList<>(byPid.values());
        all.sort(Comparator.comparing(Balancer::name));
        for (Balancer b : all) {
            BalancerSpec s = b.spec();
            List<MemberView> members = new ArrayList<>();
            for (Member m : b.members()) {
                members.add(view(m, s, now));
            }
            out.add(new BalancerView(s.name(), s.lbmethod(), methods.containsKey(s.lbmethod().toLowerCase()),
                    s.stickysession(), s.noFailover(), s.maxAttempts(), members));
        }
        return out;
    }

    private static MemberView view(Member m, BalancerSpec s, long now) {
        return new MemberView(m.spec().urlText(), m.route(), m.loadFactor(), m.spec().flagText(), m.state(now),
                m.elected(), m.busy(), m.bytesToMember(), m.bytesFromMember(),
                m.healthDown() ? "down" : m.downOn() != null ? "down (node " + m.downOn() + ")" : s.hc() == null ? "-" : "up");
    }

    @Override
    public MemberView changeMember(String balancer, String member, MemberChange change) {
        if (change == null || (change.action() == null && change.loadFactor() == null)) {
            throw new IllegalArgumentException("nothing to change: give --enable, --disable, --drain or --loadfactor");
        }
        if (change.loadFactor() != null && (change.loadFactor() < 1 || change.loadFactor() > 100)) {
            throw new IllegalArgumentException("loadfactor must be from 1 to 100, not " + change.loadFactor());
        }
        MemberView result;
        BalancerSpec updated;
        synchronized (this) {
            Balancer b = byName.get(balancer);
            if (b == null) {
                throw new IllegalArgumentException("no balancer named '" + balancer + "' (known: "
                        + byName.keySet().stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
            Member m = b.find(member);
            if (m == null) {
                throw new IllegalArgumentException("balancer " + balancer + " has no member '" + member
                        + "' (give its URL or its route)");
            }
            MemberSpec s = m.spec();
            Set<Character> flags = new LinkedHashSet<>(s.flags());
            if (change.action() != null) {
                switch (change.action()) {
                    case ENABLE -> {
                        flags.remove('D');
                        flags.remove('S');
                        flags.remove('N');
                        m.clearError();
                    }
                    case DISABLE -> flags.add('D');
                    case DRAIN -> flags.add('N');
                }
            }
            MemberSpec changed = s.withFlags(flags);
            if (change.loadFactor() != null) {
                changed = changed.withLoadFactor(change.loadFactor());
            }
            List<MemberSpec> list = new ArrayList<>();
            for (Member other : b.members()) {
                list.add(other == m ? changed : other.spec());
            }
            updated = b.spec().withMembers(list);
            b.update(updated); // at once, before the configuration round trip
            result = view(m, updated, System.nanoTime());
            LOG.info("Balancer {}: member {} is now {}", balancer, m, changed.format());
        }
        persist(updated);
        return result;
    }

    /** Writes the members back into the balancer's configuration (and so, through Karaf, into its file). */
    private void persist(BalancerSpec spec) {
        String value = spec.members().stream().map(MemberSpec::format).collect(Collectors.joining(", "));
        try {
            Configuration[] found = configurationAdmin.listConfigurations("(service.pid=" + spec.pid() + ")");
            if (found == null || found.length == 0) {
                throw new IllegalStateException("configuration " + spec.pid() + " is gone");
            }
            Dictionary<String, Object> props = found[0].getProperties();
            props.put("members", value);
            found[0].update(props);
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("could not save the change into " + spec.origin() + ": " + e, e);
        }
    }
}
