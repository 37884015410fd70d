package io.passerelle.balancer.internal.jmx;

import java.util.ArrayList;
import java.util.List;

import javax.management.DynamicMBean;
import javax.management.NotCompliantMBeanException;
import javax.management.StandardMBean;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.passerelle.balancer.api.BalancerControl;
import io.passerelle.balancer.api.BalancerControl.Action;
import io.passerelle.balancer.api.BalancerControl.MemberChange;

/**
 * {@link BalancersMXBean} as {@code io.passerelle:type=Balancers}, while the balancer module runs: a
 * {@link DynamicMBean} service with a {@code jmx.objectname} property, which Karaf's JMX whiteboard registers in
 * its MBean server.
 */
@Component(service = DynamicMBean.class, property = "jmx.objectname=" + BalancersMXBean.OBJECT_NAME)
public final class BalancersMBean extends StandardMBean implements BalancersMXBean {

    private final BalancerControl control;

    @Activate
    public BalancersMBean(@Reference BalancerControl control) throws NotCompliantMBeanException {
        super(BalancersMXBean.class, true);
        this.control = control;
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
