package io.passerelle.balancer.command;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.passerelle.balancer.api.BalancerControl;

/** Completes balancer names. */
@Service
public class BalancerNameCompleter implements Completer {

    @Reference
    BalancerControl control;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        control.balancers().forEach(b -> delegate.getStrings().add(b.name()));
        return delegate.complete(session, commandLine, candidates);
    }
}
