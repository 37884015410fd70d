package io.passerelle.status.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.passerelle.api.BalancerStatus;
import io.passerelle.api.ClusterMembership;
import io.passerelle.api.ProxyStatus;

/** One reading of every figure a status page shows, taken at once so that the page agrees with itself. */
record Figures(Node node, List<ProxyStatus.ListenerView> listeners, List<Route> routes,
        List<BalancerStatus.Balancer> balancers, List<ProxyStatus.TunnelView> tunnels) {

    /** Which node the figures describe, while passerelle-cluster is installed (else null: a node alone). */
    record Node(String name, String cluster, boolean inCluster, List<String> members, String description) {

        static Node of(ClusterMembership m) {
            return m == null ? null : new Node(m.nodeName(), m.clusterName(), m.inCluster(), m.members(), m.describe());
        }
    }

    /**
     * A route: what {@code proxy:routes} shows, its counters, and its open tunnels by the generation they were
     * opened under.
     */
    record Route(ProxyStatus.RouteView view, ProxyStatus.RouteFigures figures, Map<Long, Integer> tunnelsByGeneration) {
    }

    static Figures now(ProxyStatus status, BalancerStatus balancers) {
        return now(status, balancers, null);
    }

    static Figures now(ProxyStatus status, BalancerStatus balancers, ClusterMembership cluster) {
        List<ProxyStatus.TunnelView> tunnels = status.tunnels();
        Map<String, ProxyStatus.RouteFigures> byName = new TreeMap<>();
        for (ProxyStatus.RouteFigures f : status.routeFigures()) {
            byName.put(f.name(), f);
        }
        List<Route> routes = new ArrayList<>();
        for (ProxyStatus.RouteView v : status.routes()) {
            ProxyStatus.RouteFigures f = byName.get(v.name());
            if (f == null) {
                continue; // removed between the two readings
            }
            Map<Long, Integer> byGeneration = new TreeMap<>();
            for (ProxyStatus.TunnelView t : tunnels) {
                if (t.route().equals(v.name())) {
                    byGeneration.merge(t.generation(), 1, Integer::sum);
                }
            }
            routes.add(new Route(v, f, byGeneration));
        }
        return new Figures(Node.of(cluster), status.listeners(), routes, balancers == null ? List.of() : balancers.balancers(), tunnels);
    }
}
