package io.passerelle.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A translate-phase hook (SPEC §3 step 3). Hooks run
 * in the order of their {@value #ORDER} service property (lower first, default 0), before the route
 * table, on the I/O thread: they must be fast and never block.
 */
@ConsumerType
public interface RequestHook {

    /** Service property: position among hooks, lower first. */
    String ORDER = "passerelle.hook.order";

    /**
     * Looks at the request (and may decide its fate).
     *
     * @param request the request with its current (possibly already rewritten) path
     * @param client  the client side
     * @return {@link HookResult#proceed()} to leave it, or a new path, a direct answer, or a proxy target
     */
    HookResult translate(RequestHead request, ClientInfo client);
}
