package io.passerelle.wstunnel.internal;

import java.util.Map;

import io.passerelle.api.Durations;

/** The validated {@code io.passerelle.wstunnel} configuration. */
record WsSettings(boolean fallbackToHttp, long idleTimeoutMillis) {

    static final WsSettings DEFAULTS = new WsSettings(true, 0);

    /** An invalid value: the key and why. */
    static final class Invalid extends RuntimeException {
        final String key;

        Invalid(String key, String reason) {
            super(reason, null, false, false);
            this.key = key;
        }
    }

    static WsSettings from(Map<String, ?> props) {
        boolean fallback = DEFAULTS.fallbackToHttp;
        Object f = props.get("fallback.to.http");
        if (f != null) {
            String s = f.toString().trim();
            if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
                throw new Invalid("fallback.to.http", "'" + s + "' is not true or false");
            }
            fallback = Boolean.parseBoolean(s);
        }
        long idle = DEFAULTS.idleTimeoutMillis;
        Object i = props.get("idle.timeout");
        if (i != null) {
            try {
                idle = Durations.parseMillis(i.toString());
            } catch (IllegalArgumentException e) {
                throw new Invalid("idle.timeout", e.getMessage());
            }
        }
        return new WsSettings(fallback, idle);
    }
}
