package io.passerelle.common.config;

/**
 * A configuration value that cannot be used: the key and why. Every PID reports it with the same one ERROR line
 * ({@link #describe(String)}).
 */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    public ConfigException(String key, String reason) {
        super(reason, null, false, false);
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** The one ERROR line of SPEC §4: file (or PID), key, reason, and that the last good configuration stays. */
    public String describe(String origin) {
        return "Invalid configuration " + origin + ": key '" + key + "': " + getMessage()
                + " (the previous configuration, if any, stays in force)";
    }
}
