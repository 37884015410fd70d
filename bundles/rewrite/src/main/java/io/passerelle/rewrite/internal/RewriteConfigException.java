package io.passerelle.rewrite.internal;

/** An invalid rule set configuration: the key and why. */
public final class RewriteConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String key;

    public RewriteConfigException(String key, String reason) {
        super(reason, null, false, false);
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** The one ERROR line for an invalid configuration, naming the file (or PID), the key and the reason. */
    public String describe(String origin) {
        return "Invalid configuration " + origin + ": key '" + key + "': " + getMessage()
                + " (the previous configuration, if any, stays in force)";
    }
}
