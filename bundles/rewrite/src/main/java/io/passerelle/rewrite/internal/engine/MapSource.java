package io.passerelle.rewrite.internal.engine;

/** Resolves {@code ${map:key}} lookups from the maps declared by the rule sets in force. Must not block. */
public interface MapSource {

    MapSource NONE = (map, key) -> null;

    /** @return the value, or null when the map or key is unknown (the default then applies) */
    String lookup(String map, String key);
}
