package io.passerelle.balancer.internal.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.BalancerControl;
import io.passerelle.api.BalancerControl.Action;
import io.passerelle.api.BalancerControl.MemberChange;

/** Registers {@link BalancersMXBean} in the platform MBean server while the balancer module runs. */
@Component(service = {})
public final class BalancersMBean implements BalancersMXBean {

    private static final Logger LOG = LoggerFactory.getLogger(BalancersMBean.class);

    private final BalancerControl control;
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private ObjectName name;

    @Activate
    public BalancersMBean(@Reference BalancerControl control) {
        this.control = control;
        try {
            ObjectName n = new ObjectName(OBJECT_NAME);
            if (server.isRegistered(n)) {
                server.unregisterMBean(n); // left by an instance that could not clean up
            }
            server.registerMBean(this, n);
            name = n;
        } catch (JMException e) {
            LOG.warn("Could not register the MBean {}: {}", OBJECT_NAME, e.toString());
        }
    }

    @Deactivate
    void deactivate() {
        if (name != null) {
            try {
                server.unregisterMBean(name);
            } catch (JMException e) {
                LOG.debug("MBean {} already gone", name);
            }
        }
    }

    @Override
    public BalancerData[] getBalancers() {
        return control.balancers().stream().map(b -> new BalancerData(b.name(), b.lbmethod(), b.lbmethodInstalled(),
                b.stickysession(), b.nofailover(), b.maxattempts())).toArray(BalancerData[]::new);
    }

    @Override
    public MemberData[] getMembers() {
        List<MemberData> out = new ArrayList<>();
        for (BalancerControl.BalancerView b : control.balancers()) {
            for (BalancerControl.MemberView m : b.members()) {
                out.add(new MemberData(b.name(), m.url(), m.route(), m.loadFactor(), m.flags(), m.state(),
                        m.elected(), m.busy(), m.bytesToMember(), m.bytesFromMember(), m.health()));
            }
        }
        return out.toArray(MemberData[]::new);
    }

    @Override
    public void enableMember(String balancer, String member) {
        control.changeMember(balancer, member, new MemberChange(Action.ENABLE, null));
    }

    @Override
    public void disableMember(String balancer, String member) {
        control.changeMember(balancer, member, new MemberChange(Action.DISABLE, null));
    }

    @Override
    public void drainMember(String balancer, String member) {
        control.changeMember(balancer, member, new MemberChange(Action.DRAIN, null));
    }

    @Override
    public void setLoadFactor(String balancer, String member, int loadFactor) {
        control.changeMember(balancer, member, new MemberChange(null, loadFactor));
    }
}
