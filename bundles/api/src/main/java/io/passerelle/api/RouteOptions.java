package io.passerelle.api;

import java.util.Map;

/**
 * The typed per-route keys of SPEC §4.2, validated, as the route generation that serves an exchange had them.
 *
 * @param timeoutMillis           backend read timeout; for a tunnel, its idle timeout
 * @param connectTimeoutMillis    backend connect timeout
 * @param upgrade                 allowed {@code Upgrade} protocol, {@code ANY}, {@code NONE}, or null for none
 * @param preserveHost            forward the client's Host header
 * @param reverse                 rewrite Location/Content-Location/URI response headers (ProxyPassReverse)
 * @param addHeaders              add X-Forwarded-* and Forwarded
 * @param tlsTruststore           trust store path for TLS backends, or null for the JDK's
 * @param tlsTruststorePassword   its password, or null
 * @param tlsVerify               verify backend certificates and host names
 * @param properties              every key of the route configuration as given, for handler-specific keys
 */
public record RouteOptions(long timeoutMillis, long connectTimeoutMillis, String upgrade, boolean preserveHost,
        boolean reverse, boolean addHeaders, String tlsTruststore, String tlsTruststorePassword, boolean tlsVerify,
        Map<String, String> properties) {

    public static final String UPGRADE_ANY = "ANY";
    public static final String UPGRADE_NONE = "NONE";

    public RouteOptions {
        properties = Map.copyOf(properties);
    }

    /**
     * Whether a client's {@code Upgrade} value may be tunnelled on this route: the value is a list of protocols
     * (RFC 9110 §7.8, e.g. {@code websocket, foo/1}); one of them must be the route's (as httpd's
     * {@code ap_proxy_worker_can_upgrade} looks for its token in the list).
     */
    public boolean allowsUpgrade(String protocols) {
        if (upgrade == null) {
            return false;
        }
        if (UPGRADE_ANY.equalsIgnoreCase(upgrade) || UPGRADE_NONE.equalsIgnoreCase(upgrade)) {
            return true;
        }
        return listContains(protocols, upgrade);
    }

    /** Whether the comma-separated list holds {@code protocol} (case-insensitive, blanks around items ignored). */
    public static boolean listContains(String list, String protocol) {
        if (list == null || protocol == null) {
            return false;
        }
        String wanted = protocol.trim();
        for (String item : list.split(",")) {
            if (item.trim().equalsIgnoreCase(wanted)) {
                return true;
            }
        }
        return false;
    }
}
