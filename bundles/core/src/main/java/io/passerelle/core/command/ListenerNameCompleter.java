package io.passerelle.core.command;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.passerelle.api.ProxyStatus;

/** Completes listener names. */
@Service
public class ListenerNameCompleter implements Completer {

    @Reference
    ProxyStatus status;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        status.listeners().forEach(l -> delegate.getStrings().add(l.name()));
        return delegate.complete(session, commandLine, candidates);
    }
}
