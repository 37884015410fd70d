package io.passerelle.core.internal.net;

import java.net.URI;
import java.util.Map;

import io.passerelle.api.RouteInfo;
import io.passerelle.api.RouteOptions;

/** The route a hook's proxy decision ({@code [P]}) runs under: default options, no counters. */
record HookRoute(URI url, RouteOptions options) implements RouteInfo {

    static HookRoute of(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        boolean tunnel = scheme.equals("ws") || scheme.equals("wss");
        return new HookRoute(url, new RouteOptions(60_000, 5_000, tunnel ? "websocket" : null, false, false, true,
                null, null, true, Map.of()));
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

    @Override
    public void countError() {
    }

    @Override
    public void countTunnel(int delta) {
    }
}
