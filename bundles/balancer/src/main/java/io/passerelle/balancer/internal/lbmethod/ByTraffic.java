package io.passerelle.balancer.internal.lbmethod;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.passerelle.api.spi.LbMember;
import io.passerelle.api.spi.LbMethod;

/**
 * {@code bytraffic}, httpd's weighted traffic counting: elects the member with the least bytes carried (both
 * ways, tunnels included) per unit of load factor; the first of equals.
 */
@Component(property = LbMethod.NAME + "=bytraffic")
public final class ByTraffic implements LbMethod {

    @Override
    public LbMember elect(List<? extends LbMember> candidates) {
        LbMember best = null;
        long bestTraffic = 0;
        for (LbMember m : candidates) {
            long traffic = m.bytesToMember() / m.loadFactor() + m.bytesFromMember() / m.loadFactor();
            if (best == null || traffic < bestTraffic) {
                best = m;
                bestTraffic = traffic;
            }
        }
        return best;
    }
}
