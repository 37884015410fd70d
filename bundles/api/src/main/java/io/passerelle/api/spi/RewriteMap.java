package io.passerelle.api.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A RewriteMap type for the rewrite module (SPEC §4.6), found by its {@value #TYPE} service property: a
 * rule set's {@code RewriteMap NAME TYPE:ARGUMENT} directive binds {@code NAME} to the service whose
 * {@value #TYPE} is {@code TYPE}, and {@code ${NAME:key|default}} in a substitution or a condition calls
 * {@link #lookup(String, String) lookup(ARGUMENT, key)}.
 *
 * <p>The built-in types {@code txt}, {@code rnd} and {@code int} take precedence over a service of the same
 * type. While no service of a declared type is registered, the rule set stays in force and every lookup
 * yields the default, with one WARN; the map is used as soon as a service of that type appears.
 *
 * <p>{@link #lookup} runs on the core's I/O threads: it must be fast, thread-safe and never block (no file,
 * network, DNS or lock shared with slow work). A map backed by slow data loads it off those threads (in
 * {@link #prepare}, or on its own scheduler) and answers lookups from an immutable snapshot.
 */
@ConsumerType
public interface RewriteMap {

    /** Service property: the map type as written before the colon in {@code RewriteMap NAME TYPE:ARGUMENT}. */
    String TYPE = "map.type";

    /**
     * Looks a key up. Runs on an I/O thread; must not block.
     *
     * @param argument what follows {@code TYPE:} in the {@code RewriteMap} directive (may be empty)
     * @param key      the expanded key
     * @return the value, or {@code null} (or an empty string) when the key is unknown, in which case the
     *         lookup's default applies
     */
    String lookup(String argument, String key);

    /**
     * Called off the I/O threads when a rule set declaring a map of this type is loaded, or when this service
     * appears while such a rule set is in force: the place to check the argument and to load or cache what
     * {@link #lookup} needs. May block briefly (e.g. read a file).
     *
     * @param argument what follows {@code TYPE:} in the {@code RewriteMap} directive (may be empty)
     * @throws IllegalArgumentException when the argument is unusable; its message is logged, and at load time
     *                                  it rejects the rule set (the previous version stays in force)
     */
    default void prepare(String argument) {
    }
}
