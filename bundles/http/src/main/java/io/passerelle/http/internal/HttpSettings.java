package io.passerelle.http.internal;

import java.util.Map;

import io.passerelle.api.Durations;

/** The validated {@code io.passerelle.http} configuration. */
record HttpSettings(int poolMaxPerBackend, long poolIdleTimeoutMillis, boolean via) {

    static final HttpSettings DEFAULTS = new HttpSettings(64, 30_000, true);

    /** Thrown for an invalid value: the key and why. */
    static final class Invalid extends RuntimeException {
        final String key;

        Invalid(String key, String reason) {
            super(reason, null, false, false);
            this.key = key;
        }
    }

    static HttpSettings from(Map<String, ?> props) {
        int max = DEFAULTS.poolMaxPerBackend;
        Object m = props.get("pool.max.per.backend");
        if (m != null) {
            try {
                max = Integer.parseInt(m.toString().trim());
            } catch (NumberFormatException e) {
                throw new Invalid("pool.max.per.backend", "'" + m + "' is not an integer");
            }
            if (max < 0 || max > 100_000) {
                throw new Invalid("pool.max.per.backend", "'" + m + "' is outside 0..100000");
            }
        }
        long idle = DEFAULTS.poolIdleTimeoutMillis;
        Object i = props.get("pool.idle.timeout");
        if (i != null) {
            try {
                idle = Durations.parseMillis(i.toString());
            } catch (IllegalArgumentException e) {
                throw new Invalid("pool.idle.timeout", e.getMessage());
            }
        }
        boolean via = DEFAULTS.via;
        Object v = props.get("via");
        if (v != null) {
            String s = v.toString().trim();
            if (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false")) {
                via = Boolean.parseBoolean(s);
            } else {
                throw new Invalid("via", "'" + s + "' is not true or false");
            }
        }
        return new HttpSettings(max, idle, via);
    }
}
