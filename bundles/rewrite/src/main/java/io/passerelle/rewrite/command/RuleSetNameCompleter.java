package io.passerelle.rewrite.command;

import java.util.List;

import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.api.console.CommandLine;
import org.apache.karaf.shell.api.console.Completer;
import org.apache.karaf.shell.api.console.Session;
import org.apache.karaf.shell.support.completers.StringsCompleter;

import io.passerelle.rewrite.internal.RewriteService;

/** Completes rewrite rule set names. */
@Service
public class RuleSetNameCompleter implements Completer {

    @Reference
    RewriteService rewrite;

    @Override
    public int complete(Session session, CommandLine commandLine, List<String> candidates) {
        StringsCompleter delegate = new StringsCompleter();
        rewrite.ruleSets().forEach(v -> delegate.getStrings().add(v.name()));
        return delegate.complete(session, commandLine, candidates);
    }
}
