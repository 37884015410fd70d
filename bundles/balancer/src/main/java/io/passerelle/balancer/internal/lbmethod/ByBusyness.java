package io.passerelle.balancer.internal.lbmethod;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.passerelle.api.spi.LbMember;
import io.passerelle.api.spi.LbMethod;

/**
 * {@code bybusyness}, httpd's pending request counting: elects the member with the fewest requests in flight
 * (open tunnels count as busy for as long as they are open); among equals, {@code byrequests}' weighted
 * rotation decides.
 */
@Component(property = LbMethod.NAME + "=bybusyness")
public final class ByBusyness implements LbMethod {

    @Override
    public LbMember elect(List<? extends LbMember> candidates) {
        LbMember best = null;
        long total = 0;
        for (LbMember m : candidates) {
            m.lbStatus(m.lbStatus() + m.loadFactor());
            total += m.loadFactor();
            if (best == null || m.busy() < best.busy()
                    || (m.busy() == best.busy() && m.lbStatus() > best.lbStatus())) {
                best = m;
            }
        }
        if (best != null) {
            best.lbStatus(best.lbStatus() - total);
        }
        return best;
    }
}
