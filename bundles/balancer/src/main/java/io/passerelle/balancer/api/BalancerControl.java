package io.passerelle.balancer.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The balancer module's figures and runtime member control (httpd's {@code balancer-manager}), for the shell
 * and JMX. Registered by the balancer module while it runs.
 */
@ProviderType
public interface BalancerControl {

    /** Every configured balancer, by name. */
    List<BalancerView> balancers();

    /**
     * Changes a member at once and writes the change into the balancer's configuration, so that it survives a
     * restart. Not for I/O threads (it writes through Config Admin).
     *
     * @param balancer the balancer's name
     * @param member   the member's URL or its {@code route}
     * @return the member as it is now
     * @throws IllegalArgumentException naming the balancer or member that does not exist, or a bad value
     */
    MemberView changeMember(String balancer, String member, MemberChange change);

    /**
     * A balancer.
     *
     * @param lbmethod          the configured method's name
     * @param lbmethodInstalled whether a service of that name is there (else the balancer answers 503)
     */
    record BalancerView(String name, String lbmethod, boolean lbmethodInstalled, String stickysession,
            boolean nofailover, int maxattempts, List<MemberView> members) {

        public BalancerView {
            members = List.copyOf(members);
        }
    }

    /**
     * A member.
     *
     * @param flags     httpd's status flags that are set ({@code +D +H}...), empty when none
     * @param state     {@code Ok}, {@code Err} (failed, waiting for its retry), {@code HcFl} (health check
     *                  failed), {@code Dis}, {@code Stop}, {@code Drn} (draining) or {@code Stby} (hot standby)
     * @param elected   times it was chosen
     * @param busy      requests in flight plus open tunnels
     * @param health    {@code up}, {@code down}, or {@code -} when the balancer has no health check
     */
    record MemberView(String url, String route, int loadFactor, String flags, String state, long elected, long busy,
            long bytesToMember, long bytesFromMember, String health) {
    }

    /**
     * A change to a member: an action, a new load factor, or both (null leaves that part as it is).
     *
     * @param loadFactor 1 to 100, as httpd's
     */
    record MemberChange(Action action, Integer loadFactor) {
    }

    /** What {@link #changeMember} does to a member's status flags. */
    enum Action {
        /** Clears {@code +D}, {@code +S} and {@code +N}, and any error state. */
        ENABLE,
        /** Sets {@code +D}: no new requests; open tunnels go on. */
        DISABLE,
        /** Sets {@code +N}: no new sessions, sticky ones still served. */
        DRAIN
    }
}
