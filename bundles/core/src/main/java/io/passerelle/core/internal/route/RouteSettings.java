package io.passerelle.core.internal.route;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.passerelle.api.BackendTls;
import io.passerelle.api.RouteOptions;
import io.passerelle.api.Upgrade;
import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/** The per-route keys of SPEC §4.2 as handlers see them ({@link RouteOptions}), validated. */
record RouteSettings(long timeoutMillis, long connectTimeoutMillis, Upgrade upgrade, boolean preserveHost,
        boolean reverse, boolean addHeaders, BackendTls tls, Map<String, String> properties) implements RouteOptions {

    RouteSettings {
        properties = Map.copyOf(properties);
    }

    /**
     * @param c         the route's configuration (defaults from {@link RouteConfig})
     * @param scheme    the scheme of its {@code url} (its default {@code upgrade}), or null
     * @param pathRoute whether it is a {@code path} route ({@code reverse} is on by default for those)
     */
    static RouteSettings from(Config c, String scheme, boolean pathRoute) {
        Upgrade upgrade = Upgrade.defaultFor(scheme);
        if (c.has("upgrade")) {
            try {
                upgrade = Upgrade.of(c.string("upgrade"));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("upgrade", e.getMessage());
            }
        }
        BackendTls tls = new BackendTls(c.string("tls.truststore"), c.string("tls.truststore.password"),
                c.bool("tls.verify"));
        Map<String, String> properties = new LinkedHashMap<>();
        c.values().forEach((k, v) -> {
            if (!k.toLowerCase(Locale.ROOT).contains("password")) {
                properties.put(k, v);
            }
        });
        return new RouteSettings(c.duration("timeout"), c.duration("connection.timeout"), upgrade,
                c.bool("preserve.host"), c.has("reverse") ? c.bool("reverse") : pathRoute, c.bool("add.headers"), tls,
                properties);
    }
}
