package io.passerelle.balancer.command;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.passerelle.balancer.api.BalancerControl;

/** Completes the members (routes and URLs) of the balancer named earlier on the line, else of all balancers. */
@Service
public class MemberCompleter implements Completer {

    @Reference
    BalancerControl control;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        String[] args = commandLine.getArguments();
        StringsCompleter delegate = new StringsCompleter();
        for (BalancerControl.BalancerView b : control.balancers()) {
            boolean named = false;
            for (int i = 0; i < commandLine.getCursorArgumentIndex() && i < args.length; i++) {
                named |= args[i].equals(b.name());
            }
            if (named || commandLine.getCursorArgumentIndex() <= 1) {
                for (BalancerControl.MemberView m : b.members()) {
                    if (!m.route().isEmpty()) {
                        delegate.getStrings().add(m.route());
                    }
                    delegate.getStrings().add(m.url());
                }
            }
        }
        return delegate.complete(session, commandLine, candidates);
    }
}
