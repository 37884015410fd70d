package io.passerelle.api;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Which node this is and whether it is in a cluster, for {@code proxy:routes} and the status page. The
 * {@code passerelle-cluster} feature provides it while it is installed; a node without it is alone and shows no
 * node line.
 */
@ProviderType
public interface ClusterMembership {

    /** This node's name ({@code node.name} of {@code io.passerelle.cluster}, by default Karaf's name). */
    String nodeName();

    /** The cluster's name ({@code cluster.name}): nodes join only a cluster of the same name. */
    String clusterName();

    /**
     * Whether this node is in the cluster: its engine runs and sees at least one other member. A node that is
     * not keeps serving the configuration it has.
     */
    boolean inCluster();

    /** The addresses of the members this node sees, itself included ({@code 127.0.0.1:5701}); empty when the engine is not running. */
    List<String> members();

    /** One line for people: {@code node a, in cluster passerelle with 3 members} and the like. */
    default String describe() {
        List<String> m = members();
        if (inCluster()) {
            return "node " + nodeName() + ", in cluster " + clusterName() + " with " + m.size() + " members ("
                    + String.join(", ", m) + ")";
        }
        return "node " + nodeName() + ", not in cluster " + clusterName()
                + (m.isEmpty() ? " (engine not running)" : " (no other member reachable)");
    }
}
