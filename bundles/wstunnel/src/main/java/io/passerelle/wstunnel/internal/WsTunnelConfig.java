package io.passerelle.wstunnel.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of {@code io.passerelle.wstunnel} (SPEC §4.3). */
@ObjectClassDefinition(id = "io.passerelle.wstunnel", name = "Passerelle WebSocket tunnel",
        description = "mod_proxy_wstunnel: ws:// and wss:// routes")
@interface WsTunnelConfig {

    @AttributeDefinition(name = "fallback.to.http",
            description = "A request without an allowed upgrade on a ws:// route is proxied as plain HTTP (needs passerelle-http); ProxyWebsocketFallbackToProxyHttp")
    boolean fallback_to_http() default true;

    @AttributeDefinition(name = "idle.timeout",
            description = "Idle timeout of a tunnel (500ms, 30s, 5m or milliseconds); 0 = the route's timeout; ProxyWebsocketIdleTimeout")
    String idle_timeout() default "0";
}
