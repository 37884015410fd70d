package io.passerelle.rewrite.command;

import java.io.PrintStream;
import java.util.List;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.completers.StringsCompleter;
import org.apache.karaf.shell.support.table.ShellTable;

import io.passerelle.rewrite.internal.RewriteService;

/**
 * {@code proxy:rewrite-test}: runs a request through the rewrite rules in force and prints every rule set, rule
 * and condition tried, with expanded test strings, matches, back-references and the outcome (SPEC §6).
 */
@Command(scope = "proxy", name = "rewrite-test",
        description = "Runs a URL through the rewrite rules and prints each rule and condition tried and the result")
@Service
public class RewriteTestCommand implements Action {

    @Reference
    RewriteService rewrite;

    @Option(name = "-X", aliases = "--method", description = "The request method (default GET)")
    @Completion(value = StringsCompleter.class, values = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
    String method = "GET";

    @Option(name = "-H", aliases = "--header", multiValued = true,
            description = "A request header as name:value (repeatable); Host defaults to the URL's authority")
    List<String> headers;

    @Option(name = "-r", aliases = "--remote", description = "The client address, ip or ip:port (default 127.0.0.1:50000)")
    String remote;

    @Option(name = "-s", aliases = "--set", description = "Only run this rule set")
    @Completion(RuleSetNameCompleter.class)
    String ruleSet;

    @Argument(index = 0, name = "url", required = true,
            description = "An absolute URL (http, https, ws, wss) or a path with an optional query, e.g. /a/b?x=1")
    String url;

    @Override
    public Object execute() {
        PrintStream out = System.out;
        ShellTable table = new ShellTable();
        table.column("Rule set");
        table.column("Order");
        table.column("Rules");
        table.column("Engine");
        table.column("Source");
        table.column("Maps");
        for (RewriteService.RuleSetView v : rewrite.ruleSets()) {
            table.addRow().addContent(v.name(), v.order(), v.rules(), v.engineOn() ? "on" : "off",
                    v.source().equals("rules") ? v.origin() : v.source(), String.join(" ", v.maps()));
        }
        table.print(out);
        RewriteService.TestReport report = rewrite.test(new RewriteService.TestRequest(method, url,
                headers == null ? List.of() : headers, remote, ruleSet));
        for (String line : report.lines()) {
            out.println(line);
        }
        return null;
    }
}
