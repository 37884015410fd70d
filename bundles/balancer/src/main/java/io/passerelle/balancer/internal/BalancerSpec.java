package io.passerelle.balancer.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.passerelle.common.config.Config;
import io.passerelle.common.config.ConfigException;

/**
 * One {@code io.passerelle.balancer} factory configuration, validated (SPEC §4.5).
 *
 * @param origin       the file (or PID) it came from, for log lines
 * @param pid          the configuration's PID, to write runtime changes back
 * @param maxAttempts  failovers after the first try (httpd's {@code maxattempts}; default: members - 1)
 * @param stickyCookie the cookie carrying {@code x.route}, or null
 * @param stickyParam  the URL parameter carrying it, or null
 * @param failOnStatus statuses from a member that put it in error
 * @param retryMillis  how long a failed member is left out (httpd's {@code retry}, default 60s)
 * @param hc           the active health check, or null
 */
record BalancerSpec(String name, String origin, String pid, List<MemberSpec> members, String lbmethod,
        String stickyCookie, String stickyParam, boolean noFailover, int maxAttempts, Set<Integer> failOnStatus,
        long retryMillis, HealthCheckSpec hc) {

    static final String FACTORY_PID = "io.passerelle.balancer";

    BalancerSpec {
        members = List.copyOf(members);
        failOnStatus = Set.copyOf(failOnStatus);
    }

    /**
     * @param method   TCP, GET, HEAD or OPTIONS
     * @param uri      the path requested by HTTP checks
     * @param passes   consecutive passes that bring a member back
     * @param fails    consecutive failures that take it out
     */
    record HealthCheckSpec(String method, String uri, long intervalMillis, int passes, int fails) {
    }

    BalancerSpec withMembers(List<MemberSpec> newMembers) {
        return new BalancerSpec(name, origin, pid, newMembers, lbmethod, stickyCookie, stickyParam, noFailover,
                maxAttempts, failOnStatus, retryMillis, hc);
    }

    /** The stickysession value as configured ({@code COOKIE|param}). */
    String stickysession() {
        if (stickyCookie == null && stickyParam == null) {
            return "";
        }
        return stickyCookie.equals(stickyParam) ? stickyCookie : stickyCookie + "|" + stickyParam;
    }

    /** Validates a configuration given as component properties (as the tests and the harness do). */
    static BalancerSpec from(Map<String, ?> props) {
        return from(Config.of(BalancerConfig.class, FACTORY_PID, props));
    }

    static BalancerSpec from(Config c) {
        c.requireKnownKeys();
        String name = c.name();
        if (!name.matches("[A-Za-z0-9._\\-]+")) {
            throw new ConfigException("name", "'" + name + "' is not a host-like name (letters, digits, '.', '-', '_')");
        }
        List<MemberSpec> members = MemberSpec.parseList(c.string("members"));
        String lbmethod = c.string("lbmethod");
        if (!lbmethod.matches("[A-Za-z0-9._\\-]+")) {
            throw new ConfigException("lbmethod", "'" + lbmethod + "' is not a method name");
        }
        String cookie = null;
        String param = null;
        String sticky = c.string("stickysession");
        if (sticky != null) {
            String[] parts = sticky.split("\\|", -1);
            if (parts.length > 2 || parts[0].isBlank() || (parts.length == 2 && parts[1].isBlank())) {
                throw new ConfigException("stickysession", "'" + sticky + "' must be NAME or COOKIE|param");
            }
            cookie = parts[0].trim();
            param = parts.length == 2 ? parts[1].trim() : cookie;
        }
        boolean noFailover = c.bool("nofailover");
        int maxAttempts = c.has("maxattempts") ? c.integer("maxattempts", 0, 100) : members.size() - 1;
        Set<Integer> failOn = new TreeSet<>();
        String failonstatus = c.string("failonstatus");
        for (String s : failonstatus == null ? new String[0] : failonstatus.split("[,\\s]+")) {
            if (s.isEmpty()) {
                continue;
            }
            try {
                int code = Integer.parseInt(s);
                if (code < 100 || code > 599) {
                    throw new NumberFormatException();
                }
                failOn.add(code);
            } catch (NumberFormatException e) {
                throw new ConfigException("failonstatus", "'" + s + "' is not an HTTP status code");
            }
        }
        long retry = c.duration("retry");
        HealthCheckSpec hc = null;
        String hcMethod = c.has("hc.method") ? c.string("hc.method").toUpperCase(Locale.ROOT) : "";
        if (!hcMethod.isEmpty()) {
            if (!Set.of("TCP", "GET", "HEAD", "OPTIONS").contains(hcMethod)) {
                throw new ConfigException("hc.method", "'" + hcMethod + "' is not TCP, GET, HEAD or OPTIONS");
            }
            String uri = c.string("hc.uri");
            if (!uri.startsWith("/") || uri.chars().anyMatch(ch -> ch <= ' ' || ch == 0x7f)) {
                throw new ConfigException("hc.uri", "'" + uri + "' must be a path starting with '/', without spaces");
            }
            long interval = c.duration("hc.interval");
            if (interval < 100) {
                throw new ConfigException("hc.interval", "must be at least 100ms");
            }
            hc = new HealthCheckSpec(hcMethod, uri, interval, c.integer("hc.passes", 1, 100),
                    c.integer("hc.fails", 1, 100));
        } else {
            for (String key : HC_KEYS) {
                if (c.givenOtherThanDefault(key)) {
                    throw new ConfigException(key, "needs hc.method (TCP, GET, HEAD or OPTIONS)");
                }
            }
        }
        return new BalancerSpec(name, c.origin(), c.pid(), members, lbmethod, cookie, param, noFailover, maxAttempts,
                failOn, retry, hc);
    }

    private static final List<String> HC_KEYS = List.of("hc.uri", "hc.interval", "hc.passes", "hc.fails");
}
