package io.passerelle.api;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Health-check verdicts shared between the nodes of a cluster, so that a member found dead on one node is out on
 * all: provided by {@code passerelle-cluster} when its {@code share.health} is on, used by the balancer module. A
 * member is out on a node while its own check fails or while any other node in the cluster holds it down; a node
 * that leaves the cluster holds nothing down any more.
 */
@ProviderType
public interface SharedHealth {

    /**
     * This node's verdict on a member changed. Returns at once: the verdict travels later, never on the caller's
     * thread.
     *
     * @param balancer the balancer's name
     * @param member   the member's URL as its configuration writes it
     * @param down     whether this node's health check now holds it down
     */
    void verdict(String balancer, String member, boolean down);

    /**
     * The name of another node that holds the member down now, or null when none does. A read of this node's
     * copy: it never waits for the cluster.
     */
    String heldDownBy(String balancer, String member);
}
