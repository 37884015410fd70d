package io.passerelle.balancer.internal;

/** A configuration value that cannot be used: names the key and says why. */
final class ConfigError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    ConfigError(String key, String reason) {
        super(reason, null, false, false);
        this.key = key;
    }

    String key() {
        return key;
    }

    /** The ERROR line: file (or PID), key, reason, and that the last good version stays. */
    String describe(String origin) {
        return "Invalid balancer configuration " + origin + ": key '" + key + "': " + getMessage()
                + " (the last good configuration stays in force)";
    }
}
