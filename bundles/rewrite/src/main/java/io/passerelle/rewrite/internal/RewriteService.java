package io.passerelle.rewrite.internal;

import java.util.List;

import io.passerelle.common.config.ConfigException;
import io.passerelle.rewrite.internal.engine.Outcome;

/**
 * The rewrite module's own service, used by its configuration components and its shell command: loads rule
 * sets and runs test requests through them with a trace. Not exported.
 */
public interface RewriteService {

    /** Compiles and publishes a rule set (replacing the one of the same PID), or throws and changes nothing. */
    void put(RuleSetSource source) throws ConfigException;

    /** Withdraws a rule set. */
    void remove(String pid);

    /** The rule sets loaded, in evaluation order. */
    List<RuleSetView> ruleSets();

    /** Runs a request through the rules in force, with a trace. */
    TestReport test(TestRequest request);

    /**
     * A loaded rule set.
     *
     * @param name     its name
     * @param order    its order
     * @param origin   its configuration file or PID
     * @param source   {@code rules} or the path of its {@code rules.file}
     * @param rules    its number of rules
     * @param engineOn whether {@code RewriteEngine on} is in force
     * @param maps     its maps, as {@code name=type:arg}
     */
    record RuleSetView(String name, int order, String origin, String source, int rules, boolean engineOn,
            List<String> maps) {
    }

    /**
     * A request for {@code proxy:rewrite-test}.
     *
     * @param method  the method
     * @param url     an absolute URL ({@code http://host/path?q}, {@code https://}, {@code ws://}, {@code wss://}) or
     *                a path with an optional query
     * @param headers {@code name:value} strings
     * @param remote  the client address ({@code ip} or {@code ip:port}), or null
     * @param ruleSet only this rule set, or null for all
     */
    record TestRequest(String method, String url, List<String> headers, String remote, String ruleSet) {
    }

    /**
     * What a test gave.
     *
     * @param lines   the trace
     * @param outcome the outcome
     */
    record TestReport(List<String> lines, Outcome outcome) {
    }
}
