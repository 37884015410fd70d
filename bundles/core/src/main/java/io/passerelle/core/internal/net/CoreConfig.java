package io.passerelle.core.internal.net;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of {@code io.passerelle.core} (SPEC §4.7). */
@ObjectClassDefinition(id = NetworkCore.PID, name = "Passerelle core",
        description = "The network core shared by every listener, route and module")
public @interface CoreConfig {

    @AttributeDefinition(name = "io.threads", description = "MINA I/O processor threads shared by every listener and "
            + "backend connection; 0 is the number of cores. Read when the core starts")
    int io_threads() default 0;

    @AttributeDefinition(name = "shutdown.timeout", description = "On stop (bin/stop, a module's or the core's): "
            + "how long in-flight exchanges may take to finish before they are cut; WebSocket tunnels end with a "
            + "1001 close frame within it")
    String shutdown_timeout() default "30s";

    @AttributeDefinition(name = "access.log.format", description = "combined: Apache's combined format; extended: "
            + "combined followed by the route, the backend (for a balancer route, the member chosen), the upstream "
            + "and total times in seconds, and for a tunnel its duration and the bytes each way, written when it closes",
            options = {@Option(value = "combined"), @Option(value = "extended")})
    String access_log_format() default "combined";
}
