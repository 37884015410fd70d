package io.passerelle.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of {@code io.passerelle.http} (SPEC §4.4). */
@ObjectClassDefinition(id = "io.passerelle.http", name = "Passerelle HTTP proxy",
        description = "mod_proxy_http: keep-alive pools to backends and header rules")
@interface HttpProxyConfig {

    @AttributeDefinition(name = "pool.max.per.backend", description = "Idle keep-alive connections kept per backend host:port")
    int pool_max_per_backend() default 64;

    @AttributeDefinition(name = "pool.idle.timeout", description = "An idle pooled connection is closed after this long")
    String pool_idle_timeout() default "30s";

    @AttributeDefinition(description = "Add a Via header to requests and responses")
    boolean via() default true;
}
