package io.passerelle.core.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.passerelle.api.ProxyStatus;

/** {@code proxy:tunnels}: open tunnels with their client, backend, route and generation, age and bytes. */
@Command(scope = "proxy", name = "tunnels", description = "Lists the open tunnels")
@Service
public class TunnelsCommand implements Action {

    @Reference
    ProxyStatus status;

    @Argument(index = 0, name = "route", description = "Only the tunnels of this route", required = false)
    @Completion(RouteNameCompleter.class)
    String route;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Client");
        table.column("Backend");
        table.column("Route");
        table.column("Gen");
        table.column("Age");
        table.column("To backend");
        table.column("To client");
        for (ProxyStatus.TunnelView t : status.tunnels()) {
            if (route == null || route.equals(t.route())) {
                table.addRow().addContent(t.client(), t.backend(), t.route(), t.generation(), age(t.ageMillis()),
                        t.bytesToBackend(), t.bytesToClient());
            }
        }
        table.print(System.out);
        return null;
    }

    private static String age(long millis) {
        long s = millis / 1000;
        return s < 60 ? s + "s" : s < 3600 ? (s / 60) + "m" + (s % 60) + "s" : (s / 3600) + "h" + (s % 3600 / 60) + "m";
    }
}
