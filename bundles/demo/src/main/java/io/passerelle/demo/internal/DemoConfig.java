package io.passerelle.demo.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of the demo backends, PID {@code io.passerelle.demo}. Method names follow the
 * OSGi component property type convention: {@code http_port()} is the key {@code http.port}.
 */
@ObjectClassDefinition(
        name = "Passerelle demo backends",
        description = "An HTTP test backend and a WebSocket echo backend, for the out-of-the-box demo.")
public @interface DemoConfig {

    @AttributeDefinition(name = "Host",
            description = "Address both backends bind to (a loopback address keeps them private).")
    String host() default "127.0.0.1";

    @AttributeDefinition(name = "HTTP port",
            description = "Port of the HTTP backend (0 picks a free port).", min = "0", max = "65535")
    int http_port() default 9080;

    @AttributeDefinition(name = "WebSocket port",
            description = "Port of the WebSocket echo backend (0 picks a free port).", min = "0", max = "65535")
    int ws_port() default 9081;
}
