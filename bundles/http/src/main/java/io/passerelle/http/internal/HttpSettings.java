package io.passerelle.http.internal;

import io.passerelle.api.ForwardSettings;
import io.passerelle.common.config.Config;

/** The validated {@code io.passerelle.http} configuration, as the forwarding engine takes it. */
final class HttpSettings {

    private HttpSettings() {
    }

    /** @throws io.passerelle.common.config.ConfigException naming the key at fault */
    static ForwardSettings from(Config c) {
        return new ForwardSettings(c.integer("pool.max.per.backend", 0, 100_000), c.duration("pool.idle.timeout"),
                c.bool("via"));
    }
}
