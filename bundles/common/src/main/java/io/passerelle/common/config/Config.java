package io.passerelle.common.config;

import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One configuration as Config Admin delivered it to a component, read the same way for every PID.
 * <p>
 * The component's {@code @ObjectClassDefinition} annotation (its DS component property type) names the keys and
 * holds every default, once: a key is a method of it ({@code header.max.bytes} is {@code header_max_bytes()}, the
 * DS mapping), its default is the method's default. Values are parsed here from the raw properties with one syntax
 * for every PID rather than by DS's coercion, which turns {@code yes} into {@code false} and {@code 8o} into
 * {@code 0} without a word: booleans are {@code true} or {@code false}, durations {@code 500ms}, {@code 30s},
 * {@code 5m}, {@code 1h} or milliseconds, integers within their bounds. A bad value throws a
 * {@link ConfigException} naming the key, which the component logs as its one ERROR line.
 * <p>
 * SPEC §4's naming of factory configurations lives here too: {@link #name()} is the {@code name} key, else the
 * alias of the file ({@code etc/io.passerelle.route-ws2.cfg} is {@code ws2}), else the PID.
 */
public final class Config {

    /** Set by Karaf's file watcher to the URL of the file a configuration was read from. */
    public static final String FILE_KEY = "felix.fileinstall.filename";

    private final Class<? extends Annotation> type;
    private final String pid;
    private final String file;
    private final String alias;
    private final Map<String, String> values;

    private Config(Class<? extends Annotation> type, String pid, String file, String alias, Map<String, String> values) {
        this.type = type;
        this.pid = pid;
        this.file = file;
        this.alias = alias;
        this.values = values;
    }

    /**
     * @param config     the component property type instance DS activated the component with (its type names the
     *                   keys and holds the defaults)
     * @param factoryPid the factory PID ({@code io.passerelle.route}), or the PID of a singleton configuration
     * @param props      the component's properties
     */
    public static Config of(Annotation config, String factoryPid, Map<String, ?> props) {
        return of(config.annotationType(), factoryPid, props);
    }

    public static Config of(Class<? extends Annotation> type, String factoryPid, Map<String, ?> props) {
        String pid = props.get("service.pid") == null ? null : props.get("service.pid").toString();
        String file = file(props);
        return new Config(type, pid, file, alias(factoryPid, pid, file), ownValues(props));
    }

    /**
     * An instance of a component property type answering its defaults, for activating a component by hand (as
     * the tests and harnesses do, with the properties in a map) where DS would pass its own.
     */
    public static <A extends Annotation> A defaults(Class<A> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> switch (method.getName()) {
                    case "annotationType" -> type;
                    case "toString" -> "defaults of " + type.getName();
                    case "hashCode" -> type.hashCode();
                    case "equals" -> proxy == args[0];
                    default -> method.getDefaultValue();
                }));
    }

    // ---- where it came from, what it is called

    public String pid() {
        return pid;
    }

    /** The file it was read from, or null. */
    public String file() {
        return file;
    }

    /** What the ERROR line calls it: its file when there is one, else its PID. */
    public String origin() {
        return file != null ? file : pid;
    }

    /** SPEC §4: the {@code name} key if set, else the file alias, else the PID. */
    public String name() {
        String n = values.get("name");
        return n != null && !n.isEmpty() ? n : alias;
    }

    /** The configuration's own keys as trimmed strings, in the order given (no Config Admin, DS or Karaf keys). */
    public Map<String, String> values() {
        return values;
    }

    /** Whether the key is set to a non-empty value. */
    public boolean has(String key) {
        String v = values.get(key);
        return v != null && !v.isEmpty();
    }

    /**
     * Whether the key is set to something else than its default. DS hands a component the defaults of its
     * property type as properties of their own, so "present" does not mean "written in the file".
     */
    public boolean givenOtherThanDefault(String key) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            return false;
        }
        Object d = defaultOf(key);
        return d == null || !v.equals(d.toString());
    }

    /**
     * What the configuration means, for telling an effective change from a no-op update (SPEC §8): every key the
     * annotation describes with its value or else its default, every other key given, and the name. Two
     * configurations that differ only in comments, key order, a touched file or a value written equal to its
     * default have equal effective maps.
     */
    public Map<String, String> effective() {
        Map<String, String> effective = new TreeMap<>();
        for (String key : keys(type)) {
            String v = string(key);
            effective.put(key, v == null ? "" : v);
        }
        values.forEach(effective::putIfAbsent);
        effective.put("(name)", String.valueOf(name()));
        return effective;
    }

    // ---- typed values, defaults from the annotation

    /** The value, else the default; null when neither is set (or the value is empty). */
    public String string(String key) {
        String v = values.get(key);
        if (v != null && !v.isEmpty()) {
            return v;
        }
        Object d = defaultOf(key);
        return d == null || d.toString().isEmpty() ? null : d.toString();
    }

    public int integer(String key, int min, int max) {
        String v = string(key);
        if (v == null) {
            throw new ConfigException(key, "required");
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

    public boolean bool(String key) {
        String v = string(key);
        if ("true".equalsIgnoreCase(v)) {
            return true;
        }
        if ("false".equalsIgnoreCase(v)) {
            return false;
        }
        throw new ConfigException(key, "'" + v + "' is not true or false");
    }

    /** A duration in milliseconds. */
    public long duration(String key) {
        try {
            return Durations.parseMillis(string(key));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    /** Rejects a key the annotation does not describe (for PIDs whose every key is known). */
    public void requireKnownKeys() {
        Set<String> known = keys(type);
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                throw new ConfigException(key, "unknown key (known: " + String.join(", ", known) + ")");
            }
        }
    }

    /** The keys an annotation describes, in DS's naming ({@code hc_uri()} is {@code hc.uri}). */
    public static Set<String> keys(Class<? extends Annotation> type) {
        Set<String> keys = new TreeSet<>();
        for (Method m : type.getDeclaredMethods()) {
            keys.add(key(m.getName()));
        }
        return keys;
    }

    private Object defaultOf(String key) {
        String method = methodName(key);
        try {
            Method m = type.getDeclaredMethod(method);
            return m.getDefaultValue();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(type.getName() + " does not describe the key '" + key + "'");
        }
    }

    /** DS's mapping of a member name to a key: {@code _} is {@code .}, {@code __} is {@code _}. */
    static String key(String methodName) {
        return methodName.replace("__", "\u0000").replace('_', '.').replace('\u0000', '_');
    }

    private static String methodName(String key) {
        return key.replace("_", "__").replace('.', '_');
    }

    // ---- SPEC §4 naming of factory configurations

    private static String file(Map<String, ?> props) {
        Object f = props.get(FILE_KEY);
        if (f == null) {
            return null;
        }
        String s = f.toString();
        return s.startsWith("file:") ? s.substring(5) : s;
    }

    /**
     * What follows {@code ~} in a named factory PID (as Karaf makes of {@code etc/FACTORYPID-alias.cfg}), else what
     * the file name holds between {@code FACTORYPID-} and {@code .cfg}, else the PID.
     */
    private static String alias(String factoryPid, String pid, String file) {
        if (pid != null && pid.contains("~")) {
            return pid.substring(pid.indexOf('~') + 1);
        }
        if (file != null) {
            String base = file.substring(file.lastIndexOf('/') + 1);
            String prefix = factoryPid + "-";
            if (base.startsWith(prefix) && base.endsWith(".cfg")) {
                return base.substring(prefix.length(), base.length() - 4);
            }
        }
        return pid;
    }

    /** The keys of the configuration itself, without what Config Admin, fileinstall, DS and Karaf add. */
    private static Map<String, String> ownValues(Map<String, ?> props) {
        Map<String, String> values = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (v != null && !k.startsWith("component.") && !k.startsWith("service.") && !k.startsWith("felix.")
                    && !k.startsWith("osgi.") && !k.startsWith("org.apache.karaf.features")
                    && !k.equals("objectClass")) {
                values.put(k, text(v).trim());
            }
        });
        return values;
    }

    private static String text(Object v) {
        if (v.getClass().isArray()) {
            StringBuilder b = new StringBuilder();
            for (int i = 0, n = Array.getLength(v); i < n; i++) {
                b.append(i == 0 ? "" : ",").append(Array.get(v, i));
            }
            return b.toString();
        }
        if (v instanceof Collection<?> c) {
            return String.join(",", c.stream().map(String::valueOf).toList());
        }
        return v.toString();
    }

    @Override
    public String toString() {
        return "Config[" + origin() + "]"; // values stay out: they may hold passwords
    }
}
