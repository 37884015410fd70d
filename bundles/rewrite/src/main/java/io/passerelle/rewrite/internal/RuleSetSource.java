package io.passerelle.rewrite.internal;

import java.util.Map;

import io.passerelle.api.FactoryConfigs;

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

    /** Validates component properties. */
    public static RuleSetSource from(Map<String, ?> props) throws RewriteConfigException {
        String pid = str(props.get("service.pid"));
        String name = FactoryConfigs.name(FACTORY_PID, props);
        String origin = FactoryConfigs.origin(props);
        String rules = str(props.get("rules"));
        String rulesFile = str(props.get("rules.file"));
        rules = rules == null || rules.isBlank() ? null : rules;
        rulesFile = rulesFile == null || rulesFile.isBlank() ? null : rulesFile.strip();
        if (rules != null && rulesFile != null) {
            throw new RewriteConfigException("rules.file", "give either rules or rules.file, not both");
        }
        if (rules == null && rulesFile == null) {
            throw new RewriteConfigException("rules", "one of rules and rules.file is required");
        }
        int order = 100;
        Object o = props.get("order");
        if (o != null && !o.toString().isBlank()) {
            try {
                order = Integer.parseInt(o.toString().strip());
            } catch (NumberFormatException e) {
                throw new RewriteConfigException("order", "'" + o + "' is not an integer");
            }
        }
        return new RuleSetSource(pid, name, origin, order, rules, rulesFile);
    }

    private static String str(Object o) {
        return o == null ? null : o.toString();
    }

    /** The key errors about the rules are reported under. */
    String rulesKey() {
        return rulesFile != null ? "rules.file" : "rules";
    }
}
