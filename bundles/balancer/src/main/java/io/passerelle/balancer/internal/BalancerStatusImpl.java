package io.passerelle.balancer.internal;

import java.util.List;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import io.passerelle.api.BalancerStatus;
import io.passerelle.balancer.api.BalancerControl;

/** The balancers' figures through the core's API, for the status module (which imports no other module). */
@Component(service = BalancerStatus.class)
public final class BalancerStatusImpl implements BalancerStatus {

    private final BalancerControl control;

    @Activate
    public BalancerStatusImpl(@Reference BalancerControl control) {
        this.control = control;
    }

    @Override
    public List<Balancer> balancers() {
        return control.balancers().stream().map(b -> new Balancer(b.name(), b.lbmethod(), b.members().stream()
                .map(m -> new Member(m.url(), m.route(), m.flags(), m.state(),
                        "Ok".equals(m.state()) || "Stby".equals(m.state()), m.loadFactor(), m.elected(), m.busy(),
                        m.bytesToMember(), m.bytesFromMember(), m.health()))
                .toList())).toList();
    }
}
