package io.passerelle.cluster.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the cluster node, PID {@code io.passerelle.cluster} ({@code etc/io.passerelle.cluster.cfg}, which
 * every node keeps to itself). Method names follow the OSGi component property type convention:
 * {@code cluster_name()} is the key {@code cluster.name}.
 */
@ObjectClassDefinition(
        name = "Passerelle cluster",
        description = "Several Passerelle nodes sharing their io.passerelle.* configuration files through Hazelcast. "
                + "Loopback-only by default: TCP/IP join with explicit members, no multicast, no discovery.")
public @interface ClusterConfig {

    @AttributeDefinition(name = "Node name",
            description = "This node's name, shown by proxy:routes and the status page (letters, digits, '.', '_', "
                    + "'-'); empty takes Karaf's name (karaf.name).")
    String node_name() default "";

    @AttributeDefinition(name = "Cluster name",
            description = "Nodes join only members of a cluster of the same name.")
    String cluster_name() default "passerelle";

    @AttributeDefinition(name = "Bind address",
            description = "The IPv4 address the cluster engine binds and announces to the other members "
                    + "(127.0.0.1 keeps the cluster on this machine).")
    String bind() default "127.0.0.1";

    @AttributeDefinition(name = "Port",
            description = "The TCP port of this node's cluster engine (each node on one machine needs its own).",
            min = "1", max = "65535")
    int port() default 5701;

    @AttributeDefinition(name = "Members",
            description = "The members to join, comma-separated IPv4:port (this node's own address may be among "
                    + "them). The only way members find each other: multicast and discovery are off.")
    String members() default "127.0.0.1:5701, 127.0.0.1:5702, 127.0.0.1:5703";

    @AttributeDefinition(name = "Files kept local",
            description = "Comma-separated globs of etc/ file names this node neither shares nor takes from the "
                    + "cluster (io.passerelle.cluster.cfg always stays local). Empty shares every io.passerelle.*.cfg file.")
    String local_files() default "io.passerelle.listener-*.cfg";

    @AttributeDefinition(name = "Scan interval",
            description = "How often etc/ is looked at for files changed on this node (100ms to 1m).")
    String scan_interval() default "500ms";

    @AttributeDefinition(name = "Share health-check verdicts",
            description = "true: a balancer member held down by one node's health check is out on every node until "
                    + "that node's check passes again or that node leaves the cluster; false: each node acts on its "
                    + "own checks only.")
    boolean share_health() default false;
}
