package io.passerelle.common.config;

import java.util.Map;

import org.slf4j.Logger;

/**
 * The configuration a component runs with, for telling a no-op update from a change (SPEC §8): an update whose
 * {@link Config#effective() effective values} equal those in force changes nothing and is logged at DEBUG only.
 * A component asks {@link #unchanged} first and, once it has applied the update, says so with {@link #taken()};
 * an update it refused (an invalid one) leaves the last good configuration in force.
 */
public final class InForce {

    private Map<String, String> applied;
    private Map<String, String> offered;

    /** Whether {@code c} changes nothing effective (logged at DEBUG on {@code log}); else it is the one offered. */
    public synchronized boolean unchanged(Config c, Logger log) {
        Map<String, String> effective = c.effective();
        if (effective.equals(applied)) {
            log.debug("{}: updated without an effective change", c.origin());
            return true;
        }
        offered = effective;
        return false;
    }

    /** The configuration last offered to {@link #unchanged} was applied: it is the one in force. */
    public synchronized void taken() {
        applied = offered;
    }
}
