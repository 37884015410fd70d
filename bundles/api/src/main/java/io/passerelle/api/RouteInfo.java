package io.passerelle.api;

import java.net.URI;

import org.osgi.annotation.versioning.ProviderType;

/** One generation of a route, as it was when an exchange was dispatched to it. */
@ProviderType
public interface RouteInfo {

    /** The route's name (its {@code name} key, else its file alias, else its PID). */
    String name();

    /** Grows with each effective change of the route; a tunnel stays on the generation it opened under. */
    long generation();

    RouteOptions options();

    /**
     * For a {@code path} route, its prefix ({@code /ws2/}), used by {@code reverse} to map backend URLs back
     * to the front; null for a {@code match} route.
     */
    String frontPrefix();

    /** The route's {@code url} as configured (with {@code $N} unexpanded); null for a hook's decision. */
    URI url();
}
