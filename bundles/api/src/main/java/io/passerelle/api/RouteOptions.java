package io.passerelle.api;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/** The typed per-route keys of SPEC §4.2, validated, as the route generation that serves an exchange had them. */
@ProviderType
public interface RouteOptions {

    /** {@code timeout}: backend read timeout; for a tunnel, its idle timeout. */
    long timeoutMillis();

    /** {@code connection.timeout}: backend connect timeout. */
    long connectTimeoutMillis();

    /**
     * {@code upgrade}: the protocol this route may tunnel; {@code websocket} by default for a {@code ws://} or
     * {@code wss://} route; null when the route tunnels none.
     */
    Upgrade upgrade();

    /** {@code preserve.host}: forward the client's Host header. */
    boolean preserveHost();

    /** {@code reverse}: rewrite Location, Content-Location and URI response headers (ProxyPassReverse). */
    boolean reverse();

    /** {@code add.headers}: add X-Forwarded-* and Forwarded. */
    boolean addHeaders();

    /** {@code tls.*}: TLS towards the backend. */
    BackendTls tls();

    /** Every key of the route's configuration but passwords, as given, for handler-specific keys. */
    Map<String, String> properties();

    /**
     * The upgrade allowed towards a backend of {@code scheme}: the route's {@link #upgrade()}, else the scheme's
     * default ({@code websocket} for ws/wss: a {@code balancer://} route whose members are {@code ws://}).
     *
     * @since 2.0
     */
    default Upgrade upgradeFor(String scheme) {
        Upgrade u = upgrade();
        return u != null ? u : Upgrade.defaultFor(scheme);
    }
}
