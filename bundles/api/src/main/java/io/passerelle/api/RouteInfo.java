package io.passerelle.api;

import java.net.URI;

import org.osgi.annotation.versioning.ProviderType;

/** One generation of a route, as it was when an exchange was dispatched to it. */
@ProviderType
public interface RouteInfo {

    /** The route's name (its {@code name} key, else its file alias, else its PID). */
    String name();

    /** Increases each time any route is added or edited; a tunnel stays on the generation it opened under. */
    long generation();

    RouteOptions options();

    /**
     * For a {@code path} route, its prefix ({@code /ws2/}), used by {@code reverse} to map backend URLs back
     * to the front; null for a {@code match} route.
     */
    String frontPrefix();

    /** The route's {@code url} as configured (with {@code $N} unexpanded). */
    URI url();

    /** Counts an exchange of this route that ended in error (5xx made by the proxy, aborted stream). */
    void countError();

    /** Counts a tunnel opened (+1) or closed (-1) on this route. */
    void countTunnel(int delta);
}
