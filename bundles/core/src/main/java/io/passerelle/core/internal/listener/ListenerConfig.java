package io.passerelle.core.internal.listener;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Metatype of {@code io.passerelle.listener} (SPEC §4.1). */
@ObjectClassDefinition(id = "io.passerelle.listener",
        name = "Passerelle listener", description = "A port the proxy accepts HTTP/1.1 (and, with a keystore, HTTPS) on")
public @interface ListenerConfig {

    @AttributeDefinition(description = "TCP port (required)")
    int port();

    @AttributeDefinition(description = "Address to bind (0.0.0.0 for all)")
    String host() default "0.0.0.0";

    @AttributeDefinition(name = "tls.keystore", description = "PKCS12 keystore: when set, the listener speaks TLS (https://, wss://)", required = false)
    String tls_keystore();

    @AttributeDefinition(name = "tls.keystore.password", description = "Password of tls.keystore", type = AttributeType.PASSWORD, required = false)
    String tls_keystore_password();

    @AttributeDefinition(name = "header.max.bytes", description = "Request line + headers; over it: 431 (414 for the request line alone over 8 KiB)")
    int header_max_bytes() default 16384;

    @AttributeDefinition(name = "header.max.count", description = "Header fields; over it: 431")
    int header_max_count() default 100;

    @AttributeDefinition(name = "header.timeout", description = "The whole head must arrive within it, else 408 and close")
    String header_timeout() default "20s";

    @AttributeDefinition(name = "keepalive.timeout", description = "Idle client connection between requests")
    String keepalive_timeout() default "60s";

    @AttributeDefinition(name = "max.connections", description = "Over it, new connections are closed at once")
    int max_connections() default 100000;

    @AttributeDefinition(description = "The listener's name (default: the file alias)", required = false)
    String name();
}
