package io.passerelle.core.internal.config;

import java.util.Map;

import io.passerelle.api.FactoryConfigs;

/**
 * A configuration as Config Admin delivered it, with what error messages and names need: the file it came
 * from and the factory configuration's alias.
 */
public record ConfigSource(String pid, String file, String alias, Map<String, String> values) {

    /** Builds from DS component properties (only String-convertible configuration keys are kept). */
    public static ConfigSource of(String factoryPid, Map<String, ?> props) {
        String pid = props.get("service.pid") == null ? null : props.get("service.pid").toString();
        return new ConfigSource(pid, FactoryConfigs.file(props), FactoryConfigs.alias(factoryPid, props),
                FactoryConfigs.values(props));
    }

    /** The configuration's name: its {@code name} key, else its file alias, else its PID. */
    public String name() {
        String n = values.get("name");
        return n != null && !n.isEmpty() ? n : alias;
    }

    /** What an ERROR line calls this configuration: its file when there is one, else its PID. */
    public String origin() {
        return file != null ? file : pid;
    }

    public String get(String key) {
        String v = values.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    public String get(String key, String def) {
        String v = get(key);
        return v == null ? def : v;
    }

    public long duration(String key, String def) {
        String v = get(key, def);
        try {
            return io.passerelle.api.Durations.parseMillis(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    public int integer(String key, int def, int min, int max) {
        String v = get(key);
        if (v == null) {
            return def;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) {
                throw new ConfigException(key, "'" + v + "' is outside " + min + ".." + max);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + v + "' is not an integer");
        }
    }

    public boolean bool(String key, boolean def) {
        String v = get(key);
        if (v == null) {
            return def;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigException(key, "'" + v + "' is not true or false");
    }
}
