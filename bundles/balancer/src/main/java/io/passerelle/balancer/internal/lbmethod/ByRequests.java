package io.passerelle.balancer.internal.lbmethod;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.passerelle.api.spi.LbMember;
import io.passerelle.api.spi.LbMethod;

/**
 * {@code byrequests}, httpd's weighted request counting: every election adds each candidate's load factor to
 * its status, elects the highest status (the first of equals) and takes the sum of the factors off the one
 * elected. Over a round of that sum, each member is elected exactly its load factor's times.
 */
@Component(property = LbMethod.NAME + "=byrequests")
public final class ByRequests implements LbMethod {

    @Override
    public LbMember elect(List<? extends LbMember> candidates) {
        LbMember best = null;
        long total = 0;
        for (LbMember m : candidates) {
            m.lbStatus(m.lbStatus() + m.loadFactor());
            total += m.loadFactor();
            if (best == null || m.lbStatus() > best.lbStatus()) {
                best = m;
            }
        }
        if (best != null) {
            best.lbStatus(best.lbStatus() - total);
        }
        return best;
    }
}
