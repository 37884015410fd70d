package io.passerelle.balancer.internal;

import java.net.URI;

import io.passerelle.api.RouteInfo;
import io.passerelle.api.RouteOptions;

/**
 * A {@code balancer://} route as a {@code ws://} or {@code wss://} member sees it: a route to a tunnel scheme
 * allows {@code Upgrade: websocket} unless its {@code upgrade} key says otherwise (SPEC §4.2), and a route
 * written with {@code url = balancer://NAME/} could not know its members' scheme.
 */
record WebSocketRoute(RouteInfo route, RouteOptions options) implements RouteInfo {

    static RouteInfo of(RouteInfo route) {
        RouteOptions o = route.options();
        if (o.upgrade() != null) {
            return route;
        }
        return new WebSocketRoute(route, new RouteOptions(o.timeoutMillis(), o.connectTimeoutMillis(), "websocket",
                o.preserveHost(), o.reverse(), o.addHeaders(), o.tlsTruststore(), o.tlsTruststorePassword(),
                o.tlsVerify(), o.properties()));
    }

    @Override
    public String name() {
        return route.name();
    }

    @Override
    public long generation() {
        return route.generation();
    }

    @Override
    public String frontPrefix() {
        return route.frontPrefix();
    }

    @Override
    public URI url() {
        return route.url();
    }

    @Override
    public void countError() {
        route.countError();
    }

    @Override
    public void countTunnel(int delta) {
        route.countTunnel(delta);
    }
}
