package io.passerelle.rewrite.internal;

import java.util.Map;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/**
 * One {@code io.passerelle.rewrite} factory configuration, validated.
 *
 * @param pid       its PID
 * @param name      its name: the {@code name} key, else the file alias, else the PID (SPEC §4)
 * @param origin    its file, else its PID, for error lines
 * @param order     {@code order}: rule sets run in ascending order (then by name)
 * @param rules     {@code rules}, or null
 * @param rulesFile {@code rules.file}, or null
 */
public record RuleSetSource(String pid, String name, String origin, int order, String rules, String rulesFile) {

    static final String FACTORY_PID = "io.passerelle.rewrite";

    /** Validates a configuration given as component properties (as the tests do). */
    public static RuleSetSource from(Map<String, ?> props) {
        return from(Config.of(RewriteConfig.class, FACTORY_PID, props));
    }

    /** @throws ConfigException naming the key at fault */
    public static RuleSetSource from(Config c) {
        String rules = c.string("rules");
        String rulesFile = c.string("rules.file");
        if (rules != null && rulesFile != null) {
            throw new ConfigException("rules.file", "give either rules or rules.file, not both");
        }
        if (rules == null && rulesFile == null) {
            throw new ConfigException("rules", "one of rules and rules.file is required");
        }
        return new RuleSetSource(c.pid(), c.name(), c.origin(), c.integer("order", Integer.MIN_VALUE, Integer.MAX_VALUE),
                rules, rulesFile);
    }

    /** The key errors about the rules are reported under. */
    String rulesKey() {
        return rulesFile != null ? "rules.file" : "rules";
    }
}
