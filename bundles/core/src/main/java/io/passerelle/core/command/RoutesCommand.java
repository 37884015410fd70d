package io.passerelle.core.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.passerelle.api.ClusterMembership;
import io.passerelle.api.ProxyStatus;

/** {@code proxy:routes}: the routes in evaluation order with their state and counters. */
@Command(scope = "proxy", name = "routes", description = "Lists the routes in evaluation order")
@Service
public class RoutesCommand implements Action {

    @Reference
    ProxyStatus status;

    /** While passerelle-cluster is installed: a first line saying which node this is and whether it is in the cluster. */
    @Reference(optional = true)
    ClusterMembership cluster;

    @Argument(index = 0, name = "name", description = "Only the route of this name", required = false)
    @Completion(RouteNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Path/Match");
        table.column("URL");
        table.column("Order");
        table.column("Gen");
        table.column("Handler");
        table.column("Requests");
        table.column("Tunnels");
        table.column("Errors");
        for (ProxyStatus.RouteView r : status.routes()) {
            if (name == null || name.equals(r.name())) {
                table.addRow().addContent(r.name(), r.pathOrMatch(), r.url(), r.order(), r.generation(), r.state(),
                        r.requests(), r.openTunnels(), r.errors());
            }
        }
        if (cluster != null) {
            System.out.println("Node: " + cluster.describe());
        }
        table.print(System.out);
        return null;
    }
}
