package io.passerelle.core.internal.route;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/** Metatype of {@code io.passerelle.route} (SPEC §4.2): one configuration per ProxyPass / ProxyPassMatch. */
@ObjectClassDefinition(id = "io.passerelle.route", name = "Passerelle route",
        description = "One ProxyPass / ProxyPassMatch: a path prefix or a regex mapped to a backend URL")
public @interface RouteConfig {

    @AttributeDefinition(description = "URL-path prefix, as in ProxyPass (exactly one of path and match)", required = false)
    String path();

    @AttributeDefinition(description = "Java regex on the normalised path, as in ProxyPassMatch; $1..$9 usable in url", required = false)
    String match();

    @AttributeDefinition(description = "Backend URL (http, https, ws, wss, balancer or a third-party scheme), or ! to exclude the path")
    String url();

    @AttributeDefinition(description = "Routes are tried in ascending order; among equal orders, match routes first, then path routes longest prefix first")
    int order() default 100;

    @AttributeDefinition(description = "Upgrade protocol that may be tunnelled: a protocol name, ANY or NONE (default websocket for ws/wss, none for http/https)", required = false)
    String upgrade();

    @AttributeDefinition(description = "Backend read timeout; for a tunnel, the idle timeout (500ms, 30s, 5m or milliseconds)")
    String timeout() default "60s";

    @AttributeDefinition(name = "connection.timeout", description = "Backend connect timeout")
    String connection_timeout() default "5s";

    @AttributeDefinition(name = "preserve.host", description = "Forward the client's Host header (ProxyPreserveHost)")
    boolean preserve_host() default false;

    @AttributeDefinition(description = "Rewrite Location, Content-Location and URI response headers back to the front (ProxyPassReverse); default true for path routes", required = false)
    String reverse();

    @AttributeDefinition(name = "add.headers", description = "Add X-Forwarded-For, X-Forwarded-Host, X-Forwarded-Proto and Forwarded")
    boolean add_headers() default true;

    @AttributeDefinition(description = "Only serve on the named listener(s), comma-separated; all when empty", required = false)
    String listener();

    @AttributeDefinition(name = "tls.truststore", description = "PKCS12 trust store for https/wss backends (default: the JDK's)", required = false)
    String tls_truststore();

    @AttributeDefinition(name = "tls.truststore.password", description = "Password of tls.truststore", type = AttributeType.PASSWORD, required = false)
    String tls_truststore_password();

    @AttributeDefinition(name = "tls.verify", description = "Verify the backend certificate and host name; false logs a WARN once")
    boolean tls_verify() default true;

    @AttributeDefinition(description = "Client addresses allowed, comma-separated CIDRs or addresses (Require ip); others get 403 and nothing reaches a backend. Default: everyone; loopback only (127.0.0.0/8, ::1) for status: routes", required = false)
    String allow();

    @AttributeDefinition(name = "encoded.slashes", description = "A path holding %2F or %5C: reject answers 404 (AllowEncodedSlashes Off), keep forwards it as it came, never as a separator (NoDecode)",
            options = {@Option(value = "reject"), @Option(value = "keep")})
    String encoded_slashes() default "reject";

    @AttributeDefinition(description = "The route's name (default: the file alias)", required = false)
    String name();
}
