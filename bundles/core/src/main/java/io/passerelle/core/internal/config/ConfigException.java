package io.passerelle.core.internal.config;

/** An invalid configuration value: the key and why. */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String reason) {
        super(reason, null, false, false);
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** The one ERROR line's text for an invalid configuration. */
    public String describe(ConfigSource source) {
        return "Invalid configuration " + source.origin() + ": key '" + key + "': " + getMessage()
                + " (the previous configuration, if any, stays in force)";
    }
}
