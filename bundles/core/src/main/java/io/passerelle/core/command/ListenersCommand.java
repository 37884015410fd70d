package io.passerelle.core.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.passerelle.api.ProxyStatus;

/** {@code proxy:listeners}: each listener with its address, TLS and open connections. */
@Command(scope = "proxy", name = "listeners", description = "Lists the listeners")
@Service
public class ListenersCommand implements Action {

    @Reference
    ProxyStatus status;

    @Argument(index = 0, name = "name", description = "Only the listener of this name", required = false)
    @Completion(ListenerNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Name");
        table.column("Address");
        table.column("TLS");
        table.column("Connections");
        table.column("State");
        for (ProxyStatus.ListenerView l : status.listeners()) {
            if (name == null || name.equals(l.name())) {
                table.addRow().addContent(l.name(), l.address(), l.tls() ? "yes" : "no", l.openConnections(), l.state());
            }
        }
        table.print(System.out);
        return null;
    }
}
