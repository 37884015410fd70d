package io.passerelle.core.internal.route;

import java.net.URI;
import java.util.Map;

import io.passerelle.api.RouteInfo;
import io.passerelle.api.RouteOptions;
import io.passerelle.common.config.Config;

/** The route a hook's proxy decision ({@code [P]}) runs under: a route's defaults, no counters. */
record HookRoute(URI url, RouteOptions options) implements RouteInfo {

    static HookRoute of(URI url) {
        Config defaults = Config.of(RouteConfig.class, RouteComponent.PID, Map.of());
        return new HookRoute(url, RouteSettings.from(defaults, url.getScheme(), false));
    }

    @Override
    public String name() {
        return "(rewrite)";
    }

    @Override
    public long generation() {
        return 0;
    }

    @Override
    public String frontPrefix() {
        return null;
    }
}
