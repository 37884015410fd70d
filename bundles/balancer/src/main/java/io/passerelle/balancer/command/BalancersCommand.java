package io.passerelle.balancer.command;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.table.ShellTable;

import io.passerelle.balancer.api.BalancerControl;

/** {@code proxy:balancers}: each balancer and its members with their flags, load factor and figures. */
@Command(scope = "proxy", name = "balancers", description = "Lists the balancers and their members")
@Service
public class BalancersCommand implements Action {

    @Reference
    BalancerControl control;

    @Argument(index = 0, name = "balancer", description = "Only the balancer of this name", required = false)
    @Completion(BalancerNameCompleter.class)
    String name;

    @Override
    public Object execute() {
        ShellTable table = new ShellTable();
        table.column("Balancer");
        table.column("Member");
        table.column("Route");
        table.column("Flags");
        table.column("State");
        table.column("LoadFactor");
        table.column("Elected");
        table.column("Busy");
        table.column("To");
        table.column("From");
        table.column("Health");
        for (BalancerControl.BalancerView b : control.balancers()) {
            if (name != null && !name.equals(b.name())) {
                continue;
            }
            String method = b.lbmethod() + (b.lbmethodInstalled() ? "" : " (not installed)");
            table.addRow().addContent(b.name() + " [" + method + "]", "", "", "", "", "", "", "", "", "", "");
            for (BalancerControl.MemberView m : b.members()) {
                table.addRow().addContent("", m.url(), m.route(), m.flags(), m.state(), m.loadFactor(), m.elected(),
                        m.busy(), m.bytesToMember(), m.bytesFromMember(), m.health());
            }
        }
        table.print(System.out);
        return null;
    }
}
