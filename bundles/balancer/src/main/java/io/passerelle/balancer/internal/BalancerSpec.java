package io.passerelle.balancer.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.passerelle.api.Durations;
import io.passerelle.api.FactoryConfigs;

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

    /** Where a configuration came from: its file, else its PID. */
    static String origin(Map<String, ?> props) {
        return FactoryConfigs.origin(props);
    }

    static BalancerSpec from(Map<String, ?> props) {
        Map<String, String> v = FactoryConfigs.values(props);
        String name = FactoryConfigs.name(FACTORY_PID, props);
        if (!name.matches("[A-Za-z0-9._\\-]+")) {
            throw new ConfigError("name", "'" + name + "' is not a host-like name (letters, digits, '.', '-', '_')");
        }
        for (String key : v.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ConfigError(key, "unknown key (known: " + String.join(", ", KEYS) + ")");
            }
        }
        List<MemberSpec> members = MemberSpec.parseList(v.get("members"));
        String lbmethod = get(v, "lbmethod", "byrequests");
        if (!lbmethod.matches("[A-Za-z0-9._\\-]+")) {
            throw new ConfigError("lbmethod", "'" + lbmethod + "' is not a method name");
        }
        String cookie = null;
        String param = null;
        String sticky = get(v, "stickysession", "");
        if (!sticky.isEmpty()) {
            String[] parts = sticky.split("\\|", -1);
            if (parts.length > 2 || parts[0].isBlank() || (parts.length == 2 && parts[1].isBlank())) {
                throw new ConfigError("stickysession", "'" + sticky + "' must be NAME or COOKIE|param");
            }
            cookie = parts[0].trim();
            param = parts.length == 2 ? parts[1].trim() : cookie;
        }
        boolean noFailover = bool(v, "nofailover", false);
        int maxAttempts = integer(v, "maxattempts", members.size() - 1, 0, 100);
        Set<Integer> failOn = new TreeSet<>();
        for (String s : get(v, "failonstatus", "").split("[,\\s]+")) {
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
                throw new ConfigError("failonstatus", "'" + s + "' is not an HTTP status code");
            }
        }
        long retry = duration(v, "retry", "60s");
        HealthCheckSpec hc = null;
        String hcMethod = get(v, "hc.method", "").toUpperCase(Locale.ROOT);
        if (!hcMethod.isEmpty()) {
            if (!Set.of("TCP", "GET", "HEAD", "OPTIONS").contains(hcMethod)) {
                throw new ConfigError("hc.method", "'" + hcMethod + "' is not TCP, GET, HEAD or OPTIONS");
            }
            String uri = get(v, "hc.uri", "/");
            if (!uri.startsWith("/") || uri.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
                throw new ConfigError("hc.uri", "'" + uri + "' must be a path starting with '/', without spaces");
            }
            long interval = duration(v, "hc.interval", "30s");
            if (interval < 100) {
                throw new ConfigError("hc.interval", "must be at least 100ms");
            }
            hc = new HealthCheckSpec(hcMethod, uri, interval, integer(v, "hc.passes", 1, 1, 100),
                    integer(v, "hc.fails", 1, 1, 100));
        } else {
            for (String key : v.keySet()) {
                if (key.startsWith("hc.")) {
                    throw new ConfigError(key, "needs hc.method (TCP, GET, HEAD or OPTIONS)");
                }
            }
        }
        return new BalancerSpec(name, origin(props), String.valueOf(props.get("service.pid")), members, lbmethod,
                cookie, param, noFailover, maxAttempts, failOn, retry, hc);
    }

    static final List<String> KEYS = List.of("name", "members", "lbmethod", "stickysession", "nofailover",
            "maxattempts", "failonstatus", "retry", "hc.method", "hc.uri", "hc.interval", "hc.passes", "hc.fails");

    private static String get(Map<String, String> v, String key, String def) {
        String s = v.get(key);
        return s == null || s.isEmpty() ? def : s;
    }

    private static boolean bool(Map<String, String> v, String key, boolean def) {
        String s = get(v, key, Boolean.toString(def)).toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "on", "yes" -> true;
            case "false", "off", "no" -> false;
            default -> throw new ConfigError(key, "'" + s + "' is not true/false (or On/Off)");
        };
    }

    private static int integer(Map<String, String> v, String key, int def, int min, int max) {
        String s = v.get(key);
        if (s == null || s.isEmpty()) {
            return def;
        }
        try {
            int n = Integer.parseInt(s);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ConfigError(key, "'" + s + "' is not a number from " + min + " to " + max);
    }

    private static long duration(Map<String, String> v, String key, String def) {
        try {
            return Durations.parseMillis(get(v, key, def));
        } catch (IllegalArgumentException e) {
            throw new ConfigError(key, e.getMessage());
        }
    }
}
