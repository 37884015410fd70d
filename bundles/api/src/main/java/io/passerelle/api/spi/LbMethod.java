package io.passerelle.api.spi;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A load-balancing method (httpd's lbmethod provider), registered as a service with the {@value #NAME}
 * property naming it, e.g. {@code lbmethod=byrequests}. A balancer whose {@code lbmethod} key names it uses
 * it as soon as it is registered.
 *
 * <p>{@link #elect} is called on I/O threads, at most once at a time per balancer (the balancer holds its
 * election lock around it, as httpd does): it must be quick and must not block.
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
