package io.passerelle.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What SPEC §4 says of every factory configuration, for the modules that read one: its name (the
 * {@code name} key, else the alias of its file, else its PID), where it came from (for the one ERROR line an
 * invalid configuration gets), and its own keys without the properties Config Admin, Karaf's file watcher
 * and Declarative Services add to a component's properties.
 *
 * @since 1.1
 */
public final class FactoryConfigs {

    /** Set by Karaf's file watcher to the URL of the file a configuration was read from. */
    public static final String FILE_KEY = "felix.fileinstall.filename";

    private FactoryConfigs() {
    }

    /** The file a configuration was read from ({@code /path/etc/PID-alias.cfg}), or null. */
    public static String file(Map<String, ?> props) {
        Object f = props.get(FILE_KEY);
        if (f == null) {
            return null;
        }
        String s = f.toString();
        return s.startsWith("file:") ? s.substring(5) : s;
    }

    /** What a log line calls the configuration: its file when there is one, else its PID. */
    public static String origin(Map<String, ?> props) {
        String file = file(props);
        return file != null ? file : pid(props);
    }

    private static String pid(Map<String, ?> props) {
        Object p = props.get("service.pid");
        return p == null ? null : p.toString();
    }

    /**
     * The configuration's alias: what follows {@code ~} in its PID (a named factory configuration, as Karaf
     * makes of {@code etc/FACTORYPID-alias.cfg}), else what its file name holds between {@code FACTORYPID-} and
     * {@code .cfg}, else its PID.
     */
    public static String alias(String factoryPid, Map<String, ?> props) {
        String pid = pid(props);
        if (pid != null && pid.contains("~")) {
            return pid.substring(pid.indexOf('~') + 1);
        }
        String file = file(props);
        if (file != null) {
            String base = file.substring(file.lastIndexOf('/') + 1);
            String prefix = factoryPid + "-";
            if (base.startsWith(prefix) && base.endsWith(".cfg")) {
                return base.substring(prefix.length(), base.length() - 4);
            }
        }
        return pid;
    }

    /** SPEC §4: the {@code name} key if set, else the {@link #alias}. */
    public static String name(String factoryPid, Map<String, ?> props) {
        Object n = props.get("name");
        return n != null && !n.toString().isBlank() ? n.toString().trim() : alias(factoryPid, props);
    }

    /**
     * The configuration's own keys, values as trimmed strings, in the order given, without what Config Admin
     * ({@code service.*}), fileinstall ({@code felix.*}), DS ({@code component.*}, {@code osgi.*}) and Karaf's
     * features ({@code org.apache.karaf.features*}) add.
     */
    public static Map<String, String> values(Map<String, ?> props) {
        Map<String, String> values = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (v != null && !k.startsWith("component.") && !k.startsWith("service.") && !k.startsWith("felix.")
                    && !k.startsWith("osgi.") && !k.startsWith("org.apache.karaf.features") && !k.equals("objectClass")) {
                values.put(k, String.valueOf(v).trim());
            }
        });
        return values;
    }
}
