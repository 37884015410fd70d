package io.passerelle.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A load-balancing method (httpd's lbmethod provider), registered as a service with the {@value #NAME}
 * property naming it, e.g. {@code lbmethod=byrequests}. A balancer whose {@code lbmethod} key names it uses
 * it as soon as it is registered.
 *
 * <p>{@link #elect} is called on I/O threads: it must be quick and must not block. Each call works on views
 * of its own: the members' {@link LbMember#lbStatus() status} is a copy that the balancer publishes only if
 * no other election finished meanwhile, else it calls the method again on fresh views (elections are
 * lock-free, yet serial in effect, so httpd's weighted sequences hold). A method therefore keeps its state
 * in the statuses, not in fields of its own, and has no side effect beyond them.
 */
@ConsumerType
public interface LbMethod {

    /** Service property: the method's name. */
    String NAME = "lbmethod";

    /**
     * Chooses the member for a new request or tunnel.
     *
     * @param candidates the usable members (never empty): enabled, not in error, not draining; hot standbys
     *                   only when no other member is usable
     * @return one of the candidates, or null to choose none (the request is answered 503)
     */
    LbMember elect(List<? extends LbMember> candidates);
}
