package io.passerelle.balancer.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.passerelle.common.config.ConfigException;
import io.passerelle.common.config.Durations;

/**
 * One {@code members} entry, as httpd's {@code BalancerMember URL key=value...}: the URL, its {@code route},
 * {@code loadfactor} (1 to 100), {@code status} flags ({@code +H +D +S +I +N}) and {@code retry}.
 *
 * @param retryMillis how long the member stays in error after a failure; -1: the balancer's {@code retry}
 */
record MemberSpec(URI url, String route, int loadFactor, Set<Character> flags, long retryMillis) {

    static final String FLAGS = "HDSIN";

    MemberSpec {
        flags = Set.copyOf(flags);
    }

    boolean has(char flag) {
        return flags.contains(flag);
    }

    /** The URL as written back into the configuration and shown by the shell. */
    String urlText() {
        return url.toString();
    }

    /** The scheme handler that serves it: {@code ws}, {@code http}... */
    String scheme() {
        return url.getScheme().toLowerCase(Locale.ROOT);
    }

    /** The flags as httpd writes them, {@code +D+H}, or the empty string. */
    String flagText() {
        StringBuilder b = new StringBuilder();
        for (char f : FLAGS.toCharArray()) {
            if (flags.contains(f)) {
                b.append('+').append(f);
            }
        }
        return b.toString();
    }

    MemberSpec withFlags(Set<Character> newFlags) {
        return new MemberSpec(url, route, loadFactor, newFlags, retryMillis);
    }

    MemberSpec withLoadFactor(int lf) {
        return new MemberSpec(url, route, lf, flags, retryMillis);
    }

    /** This entry as a {@code members} item: {@code URL route=a loadfactor=2 status=+H}. */
    String format() {
        StringBuilder b = new StringBuilder(urlText());
        if (!route.isEmpty()) {
            b.append(" route=").append(route);
        }
        if (loadFactor != 1) {
            b.append(" loadfactor=").append(loadFactor);
        }
        if (!flags.isEmpty()) {
            b.append(" status=").append(flagText());
        }
        if (retryMillis >= 0) {
            b.append(" retry=").append(retryMillis).append("ms");
        }
        return b.toString();
    }

    /** Parses the {@code members} value: entries separated by commas (or line breaks). */
    static List<MemberSpec> parseList(String value) {
        if (value == null || value.isBlank()) {
            throw new ConfigException("members", "no member given");
        }
        List<MemberSpec> out = new ArrayList<>();
        Set<String> urls = new LinkedHashSet<>();
        Set<String> routes = new LinkedHashSet<>();
        for (String item : value.split("[,\\n]")) {
            if (item.isBlank()) {
                continue;
            }
            MemberSpec m = parse(item.trim());
            if (!urls.add(m.urlText())) {
                throw new ConfigException("members", "member " + m.urlText() + " is listed twice");
            }
            if (!m.route.isEmpty() && !routes.add(m.route)) {
                throw new ConfigException("members", "route '" + m.route + "' is used by two members");
            }
            out.add(m);
        }
        if (out.isEmpty()) {
            throw new ConfigException("members", "no member given");
        }
        return out;
    }

    static MemberSpec parse(String item) {
        String[] words = item.trim().split("\\s+");
        URI url = url(words[0]);
        String route = "";
        int lf = 1;
        Set<Character> flags = new LinkedHashSet<>();
        long retry = -1;
        for (int i = 1; i < words.length; i++) {
            String w = words[i];
            int eq = w.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("members", "member " + words[0] + ": '" + w + "' is not key=value");
            }
            String k = w.substring(0, eq).toLowerCase(Locale.ROOT);
            String v = w.substring(eq + 1);
            switch (k) {
                case "route" -> {
                    if (!v.matches("[A-Za-z0-9_\\-]+")) {
                        throw new ConfigException("members", "member " + words[0] + ": route '" + v
                                + "' must be letters, digits, '-' or '_'");
                    }
                    route = v;
                }
                case "loadfactor" -> {
                    try {
                        lf = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        lf = 0;
                    }
                    if (lf < 1 || lf > 100) {
                        throw new ConfigException("members", "member " + words[0] + ": loadfactor must be a number from 1 to 100, not '" + v + "'");
                    }
                }
                case "status" -> flags = parseFlags(words[0], v);
                case "retry" -> {
                    try {
                        retry = Durations.parseMillis(v);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException("members", "member " + words[0] + ": retry: " + e.getMessage());
                    }
                }
                default -> throw new ConfigException("members", "member " + words[0] + ": unknown parameter '" + k
                        + "' (route, loadfactor, status, retry)");
            }
        }
        return new MemberSpec(url, route, lf, flags, retry);
    }

    private static Set<Character> parseFlags(String member, String v) {
        Set<Character> flags = new LinkedHashSet<>();
        int i = 0;
        while (i < v.length()) {
            char sign = v.charAt(i);
            if ((sign != '+' && sign != '-') || i + 1 >= v.length()) {
                throw new ConfigException("members", "member " + member + ": status '" + v
                        + "' must be flags like +H, +D, +S, +I, +N");
            }
            char f = Character.toUpperCase(v.charAt(i + 1));
            if (FLAGS.indexOf(f) < 0) {
                throw new ConfigException("members", "member " + member + ": unknown status flag '" + v.charAt(i + 1)
                        + "' (H hot standby, D disabled, S stopped, I ignore errors, N draining)");
            }
            if (sign == '+') {
                flags.add(f);
            } else {
                flags.remove(f);
            }
            i += 2;
        }
        return flags;
    }

    private static URI url(String text) {
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new ConfigException("members", "'" + text + "' is not a URL: " + e.getReason());
        }
        if (u.getScheme() == null || u.getHost() == null) {
            throw new ConfigException("members", "'" + text + "' is not an absolute URL with a host");
        }
        if (u.getScheme().equalsIgnoreCase("balancer")) {
            throw new ConfigException("members", "'" + text + "': a member cannot be a balancer");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new ConfigException("members", "'" + text + "': a member URL has no query or fragment");
        }
        return u;
    }
}
