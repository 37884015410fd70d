package io.passerelle.rewrite.internal.map;

import java.util.Locale;

import io.passerelle.rewrite.internal.engine.Escapes;

/** httpd's {@code int:} maps. */
public final class InternalMaps {

    private InternalMaps() {
    }

    /** @return the value, or null when the function is unknown */
    public static String apply(String function, String key) {
        switch (function) {
            case "tolower":
                return key.toLowerCase(Locale.ROOT);
            case "toupper":
                return key.toUpperCase(Locale.ROOT);
            case "escape":
                return Escapes.escapeUri(key);
            case "unescape":
                return Escapes.unescape(key);
            default:
                return null;
        }
    }
}
