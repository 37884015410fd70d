package io.passerelle.api;

import java.net.URI;

/**
 * Where the translate and route phases decided to send an exchange.
 *
 * @param url   the backend URL with the request's remaining path and query already applied
 *              (for a {@code path} route: url + the path after the prefix; for a {@code match} route: the
 *              expanded url; for a hook's proxy decision: the hook's URL)
 * @param route the route generation that decided it (a hook's decision carries a synthetic route
 *              with default options)
 */
public record ProxyTarget(URI url, RouteInfo route) {

    /** The path and query to send on the backend request line ({@code /} when the URL has no path). */
    public String backendPathAndQuery() {
        String p = url.getRawPath();
        if (p == null || p.isEmpty()) {
            p = "/";
        }
        String q = url.getRawQuery();
        return q == null ? p : p + '?' + q;
    }

    /**
     * The {@code Upgrade} value to forward to this backend for the request, or null when the request is no
     * upgrade the route allows towards this URL's scheme ({@link RouteOptions#upgradeFor}, {@link Upgrade#forward}):
     * the one upgrade decision of every scheme handler.
     *
     * @since 2.0
     */
    public String upgradeToForward(RequestHead request) {
        Upgrade u = route.options().upgradeFor(url.getScheme());
        return u == null ? null : u.forward(request.headers());
    }

    /** The port of the URL, or the default port of its scheme. */
    public int port(int defaultPort) {
        return url.getPort() > 0 ? url.getPort() : defaultPort;
    }
}
