package io.passerelle.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Read-only figures of the balancers, for status pages and metrics. The balancer module provides it while it is
 * installed; a status page shows no balancer without it.
 */
@ProviderType
public interface BalancerStatus {

    /**
     * A member as {@code proxy:balancers} shows it.
     *
     * @param state {@code Ok}, {@code Err}, {@code Dis}, {@code Stop}, {@code Drn}, {@code Stby} or {@code HcFl}
     * @param up    whether it is in service, alone or as a hot standby ({@code Ok} or {@code Stby}): SPEC §4.8 {@code passerelle_balancer_member_up}
     */
    record Member(String url, String route, String flags, String state, boolean up, int loadFactor, long elected,
            long busy, long bytesToMember, long bytesFromMember, String health) {
    }

    record Balancer(String name, String lbmethod, List<Member> members) {
    }

    List<Balancer> balancers();
}
