package org.example.passerelle.lbfirst;

import java.util.List;

import org.osgi.service.component.annotations.Component;

import io.passerelle.api.spi.LbMember;
import io.passerelle.api.spi.LbMethod;

/**
 * {@code lbmethod = first}: every request goes to the first usable member in the order of the balancer's
 * {@code members} list; the next one takes over only while it is down (active/passive without the hot
 * standby flag). A complete third-party method: one class, registered with the {@code lbmethod} property.
 */
@Component(property = LbMethod.NAME + "=first")
public final class FirstAvailable implements LbMethod {

    @Override
    public LbMember elect(List<? extends LbMember> candidates) {
        return candidates.isEmpty() ? null : candidates.get(0);
    }
}
