package io.passerelle.core.internal.httpd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates an httpd configuration into Passerelle's {@code .cfg} files (SPEC §4.10): {@code Listen},
 * {@code ProxyPass}/{@code ProxyPassMatch} with their parameters, {@code ProxyPassReverse},
 * {@code ProxyPreserveHost}, {@code ProxyTimeout}, {@code <Proxy balancer://...>} with {@code BalancerMember} and
 * {@code ProxySet}, the {@code Rewrite*} directives, {@code ProxyWebsocketFallbackToProxyHttp} and
 * {@code ProxyWebsocketIdleTimeout}. Everything else is listed with its line number and why it was not translated;
 * {@code <VirtualHost>} blocks are read as if their directives stood at the top level, and a note says so.
 * <p>
 * What httpd means is kept where Passerelle's defaults differ: httpd tries {@code ProxyPass} and
 * {@code ProxyPassMatch} in the order written, so each route gets an {@code order} by its position; httpd rewrites
 * response headers only where a {@code ProxyPassReverse} says so, so each path route gets {@code reverse}.
 * Pure text to text: nothing is read or written here.
 */
public final class HttpdImport {

    /** A file for {@code etc/}. */
    public record CfgFile(String name, String content) {
    }

    /** A directive (or block) not translated, and why. */
    public record Note(int line, String directive, String reason) {
        @Override
        public String toString() {
            return "line " + line + ": " + directive + ": " + reason;
        }
    }

    public record Result(List<CfgFile> files, List<Note> notes) {
    }

    /** A logical line: its first physical line's number, its text with continuations joined, its words. */
    private record Directive(int line, String text, String name, List<String> args) {
        String arg(int i) {
            return i < args.size() ? args.get(i) : null;
        }
    }

    private static final class RouteDraft {
        final int line;
        final String source;
        String path;
        String match;
        String url;
        final Map<String, String> keys = new LinkedHashMap<>();

        RouteDraft(int line, String source) {
            this.line = line;
            this.source = source;
        }
    }

    private static final class BalancerDraft {
        final String name;
        final List<String> sources = new ArrayList<>();
        final List<String> members = new ArrayList<>();
        final Map<String, String> keys = new LinkedHashMap<>();

        BalancerDraft(String name) {
            this.name = name;
        }
    }

    private final String sourceName;
    private final List<Note> notes = new ArrayList<>();
    private final Map<String, String[]> listeners = new LinkedHashMap<>(); // name -> host, port, source
    private final List<RouteDraft> routes = new ArrayList<>();
    private final List<String[]> reverses = new ArrayList<>(); // path, url
    private final Map<String, BalancerDraft> balancers = new LinkedHashMap<>();
    private final List<String> rewrite = new ArrayList<>();
    private final List<String> rewriteSources = new ArrayList<>();
    private final Map<String, String> wstunnel = new LinkedHashMap<>();
    private final List<String> wstunnelSources = new ArrayList<>();
    private Boolean preserveHost;
    private String proxyTimeout;

    private HttpdImport(String sourceName) {
        this.sourceName = sourceName;
    }

    /** @param sourceName what the files' header comment calls the configuration (its file name) */
    public static Result translate(String text, String sourceName) {
        HttpdImport i = new HttpdImport(sourceName);
        i.read(text);
        return new Result(i.files(), List.copyOf(i.notes));
    }

    // ------------------------------------------------------------------ reading

    /** A block being read: its name, its argument, and whether its directives are translated. */
    private record Block(String name, String arg, boolean transparent) {
    }

    private void read(String text) {
        Deque<Block> blocks = new ArrayDeque<>();
        for (Directive d : directives(text)) {
            String lower = d.name().toLowerCase(Locale.ROOT);
            if (lower.startsWith("</")) {
                if (!blocks.isEmpty()) {
                    blocks.pop();
                }
                continue;
            }
            if (lower.startsWith("<")) {
                String block = lower.substring(1);
                String arg = d.arg(0) == null ? "" : stripGt(d.arg(0));
                boolean parentTransparent = blocks.isEmpty() || blocks.peek().transparent();
                boolean transparent = parentTransparent && switch (block) {
                    case "virtualhost" -> {
                        note(d, "read as if its directives stood at the top level (Passerelle routes every "
                                + "listener's requests alike; a route's 'listener' key can limit it)");
                        yield true;
                    }
                    case "ifmodule", "ifdefine", "ifversion" -> true;
                    case "proxy" -> arg.toLowerCase(Locale.ROOT).startsWith("balancer://");
                    case "location" -> true;
                    default -> false;
                };
                if (parentTransparent && !transparent) {
                    note(d, block.equals("proxy")
                            ? "a <Proxy> block for other URLs (access control is the route key 'allow'): not translated"
                            : "the <" + d.name().substring(1) + "> context is not translated, nor the directives in it");
                }
                blocks.push(new Block(block, arg, transparent));
                continue;
            }
            if (!blocks.isEmpty() && !blocks.peek().transparent()) {
                continue; // its block was noted
            }
            directive(d, blocks);
        }
    }

    private static String stripGt(String s) {
        String v = s.endsWith(">") ? s.substring(0, s.length() - 1) : s;
        return unquote(v);
    }

    private String enclosing(Deque<Block> blocks, String name) {
        for (Block b : blocks) {
            if (b.name().equals(name)) {
                return b.arg();
            }
        }
        return null;
    }

    private void directive(Directive d, Deque<Block> blocks) {
        String location = enclosing(blocks, "location");
        String balancer = enclosing(blocks, "proxy");
        switch (d.name().toLowerCase(Locale.ROOT)) {
            case "listen" -> listen(d);
            case "proxypass" -> proxyPass(d, location, false);
            case "proxypassmatch" -> proxyPass(d, location, true);
            case "proxypassreverse" -> proxyPassReverse(d, location);
            case "proxypreservehost" -> preserveHost = onOff(d, 0);
            case "proxytimeout" -> proxyTimeout = seconds(d, d.arg(0));
            case "balancermember" -> balancerMember(d, balancer);
            case "proxyset" -> proxySet(d, balancer);
            case "rewriteengine", "rewritecond", "rewriterule", "rewritemap", "rewriteoptions" -> {
                if (location != null) {
                    note(d, "in <Location>, rewrite rules are per-directory in httpd; only server-context rules are translated");
                } else {
                    rewrite.add(d.text());
                    rewriteSources.add("line " + d.line() + ": " + d.text());
                }
            }
            case "rewritebase" -> note(d, "RewriteBase (a per-directory directive) is not supported");
            case "proxywebsocketfallbacktoproxyhttp" -> {
                Boolean on = onOff(d, 0);
                if (on != null) {
                    wstunnel.put("fallback.to.http", on.toString());
                    wstunnelSources.add("line " + d.line() + ": " + d.text());
                }
            }
            case "proxywebsocketidletimeout" -> {
                String s = seconds(d, d.arg(0));
                if (s != null) {
                    wstunnel.put("idle.timeout", s);
                    wstunnelSources.add("line " + d.line() + ": " + d.text());
                }
            }
            case "loadmodule" -> note(d, "modules are Karaf features here: passerelle (proxy, proxy_http, "
                    + "proxy_wstunnel, proxy_balancer, lbmethods, rewrite) is installed at boot");
            case "proxyrequests" -> note(d, "Passerelle is never a forward proxy: nothing to translate");
            default -> note(d, "not a directive Passerelle translates");
        }
    }

    private void listen(Directive d) {
        String a = d.arg(0);
        if (a == null) {
            note(d, "no address");
            return;
        }
        String host = "0.0.0.0";
        String port = a;
        int colon = a.lastIndexOf(':');
        if (colon >= 0) {
            host = a.substring(0, colon);
            port = a.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
        }
        if (!port.matches("\\d{1,5}")) {
            note(d, "'" + a + "' is not [address:]port");
            return;
        }
        if (d.arg(1) != null) {
            note(d, "the protocol argument '" + d.arg(1) + "' is not translated (TLS is the listener key tls.keystore)");
        }
        String name = unique("httpd-" + port, listeners.keySet());
        listeners.put(name, new String[] {host, port, "line " + d.line() + ": " + d.text()});
    }

    private void proxyPass(Directive d, String location, boolean isMatch) {
        List<String> args = new ArrayList<>(d.args());
        RouteDraft r = new RouteDraft(d.line(), "line " + d.line() + ": " + d.text());
        if (location != null && !isMatch && (args.isEmpty() || !args.get(0).startsWith("/"))) {
            r.path = location; // ProxyPass URL inside <Location PATH>
        } else if (args.isEmpty()) {
            note(d, "no path");
            return;
        } else if (isMatch) {
            r.match = args.remove(0);
        } else {
            r.path = args.remove(0);
        }
        if (args.isEmpty()) {
            note(d, "no URL");
            return;
        }
        r.url = args.remove(0);
        String balancer = r.url.toLowerCase(Locale.ROOT).startsWith("balancer://")
                ? balancerName(r.url) : null;
        for (String p : args) {
            int eq = p.indexOf('=');
            String key = eq < 0 ? p.toLowerCase(Locale.ROOT) : p.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? null : p.substring(eq + 1);
            switch (key) {
                case "timeout" -> put(r.keys, "timeout", seconds(d, value));
                case "connectiontimeout" -> put(r.keys, "connection.timeout", seconds(d, value));
                case "upgrade" -> put(r.keys, "upgrade", value);
                case "lbmethod", "stickysession", "maxattempts", "failonstatus", "nofailover" -> {
                    if (balancer == null) {
                        note(d, "parameter " + key + " belongs to a balancer:// URL");
                    } else {
                        balancerKey(d, balancer(balancer), key, value);
                    }
                }
                default -> note(d, "parameter '" + p + "' is not translated");
            }
        }
        routes.add(r);
    }

    private void proxyPassReverse(Directive d, String location) {
        List<String> args = d.args();
        if (location != null && args.size() == 1) {
            reverses.add(new String[] {location, args.get(0), "line " + d.line()});
        } else if (args.size() >= 2) {
            reverses.add(new String[] {args.get(0), args.get(1), "line " + d.line()});
        } else {
            note(d, "needs a path and a URL");
        }
    }

    private void balancerMember(Directive d, String enclosing) {
        List<String> args = new ArrayList<>(d.args());
        String name = enclosing == null ? null : balancerName(enclosing);
        if (!args.isEmpty() && args.get(0).toLowerCase(Locale.ROOT).startsWith("balancer://")) {
            name = balancerName(args.remove(0));
        }
        if (name == null || args.isEmpty()) {
            note(d, "needs a balancer (inside <Proxy balancer://NAME> or as its first argument) and a URL");
            return;
        }
        BalancerDraft b = balancer(name);
        StringBuilder member = new StringBuilder(args.remove(0));
        for (String p : args) {
            int eq = p.indexOf('=');
            String key = eq < 0 ? p.toLowerCase(Locale.ROOT) : p.substring(0, eq).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : p.substring(eq + 1);
            switch (key) {
                case "route", "loadfactor" -> member.append(' ').append(key).append('=').append(value);
                case "status" -> {
                    // Passerelle's flags: +H (hot standby), +D (disabled), +S (stopped), +I (ignore errors), +N (drain)
                    StringBuilder flags = new StringBuilder();
                    for (int i = 0; i + 1 < value.length(); i += 2) {
                        char sign = value.charAt(i);
                        char flag = Character.toUpperCase(value.charAt(i + 1));
                        if ((sign == '+' || sign == '-') && "HDSIN".indexOf(flag) >= 0) {
                            flags.append(sign).append(flag);
                        }
                    }
                    String kept = flags.toString();
                    if (!kept.equalsIgnoreCase(value)) {
                        note(d, "member status '" + value + "': only the flags H, D, S, I and N are translated");
                    }
                    if (!kept.isEmpty()) {
                        member.append(" status=").append(kept);
                    }
                }
                case "retry" -> member.append(" retry=").append(seconds(d, value));
                case "hcmethod", "hcuri", "hcinterval", "hcpasses", "hcfails" -> {
                    // mod_proxy_hcheck's member parameters: one health check for the whole balancer here
                    String k = "hc." + key.substring(2);
                    String v = key.equals("hcinterval") ? seconds(d, value) : value;
                    String kept = v == null ? null : b.keys.putIfAbsent(k, v);
                    if (kept != null && !kept.equals(v)) {
                        note(d, key + "=" + value + " differs from an earlier member's: the health check is the "
                                + "balancer's here (" + k + " = " + kept + " kept)");
                    }
                }
                default -> note(d, "member parameter '" + p + "' is not translated");
            }
        }
        b.members.add(member.toString());
        b.sources.add("line " + d.line() + ": " + d.text());
    }

    private void proxySet(Directive d, String enclosing) {
        List<String> args = new ArrayList<>(d.args());
        String name = enclosing == null ? null : balancerName(enclosing);
        if (!args.isEmpty() && args.get(0).toLowerCase(Locale.ROOT).startsWith("balancer://")) {
            name = balancerName(args.remove(0));
        }
        if (name == null) {
            note(d, "only ProxySet for a balancer:// is translated");
            return;
        }
        BalancerDraft b = balancer(name);
        b.sources.add("line " + d.line() + ": " + d.text());
        for (String p : args) {
            int eq = p.indexOf('=');
            if (eq < 0) {
                note(d, "'" + p + "' is not key=value");
                continue;
            }
            balancerKey(d, b, p.substring(0, eq).toLowerCase(Locale.ROOT), p.substring(eq + 1));
        }
    }

    private void balancerKey(Directive d, BalancerDraft b, String key, String value) {
        switch (key) {
            case "lbmethod", "stickysession", "maxattempts", "failonstatus" -> b.keys.put(key, value);
            case "nofailover" -> b.keys.put(key, String.valueOf("on".equalsIgnoreCase(value)));
            default -> note(d, "balancer parameter '" + key + "' is not translated");
        }
    }

    private BalancerDraft balancer(String name) {
        return balancers.computeIfAbsent(name, BalancerDraft::new);
    }

    private static String balancerName(String url) {
        String rest = url.substring("balancer://".length());
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    private Boolean onOff(Directive d, int i) {
        String v = d.arg(i);
        if ("on".equalsIgnoreCase(v)) {
            return true;
        }
        if ("off".equalsIgnoreCase(v)) {
            return false;
        }
        note(d, "'" + v + "' is not On or Off");
        return null;
    }

    /** httpd's timeouts are seconds (or with a unit, as in 500ms); Passerelle's durations say theirs. */
    private String seconds(Directive d, String v) {
        if (v != null && v.matches("\\d+")) {
            return v + "s";
        }
        if (v != null && v.matches("\\d+(ms|s|mi?n?|h)")) {
            return v.replaceFirst("mi?n?$", "m");
        }
        note(d, "'" + v + "' is not a number of seconds");
        return null;
    }

    private static void put(Map<String, String> keys, String key, String value) {
        if (value != null) {
            keys.put(key, value);
        }
    }

    private void note(Directive d, String reason) {
        notes.add(new Note(d.line(), d.name(), reason));
    }

    // ------------------------------------------------------------------ writing

    private List<CfgFile> files() {
        List<CfgFile> files = new ArrayList<>();
        listeners.forEach((name, l) -> files.add(file("io.passerelle.listener-" + name + ".cfg", List.of(l[2]),
                map("port", l[1], "host", l[0]))));
        Set<String> names = new LinkedHashSet<>();
        int position = 0;
        for (RouteDraft r : routes) {
            position++;
            Map<String, String> keys = new LinkedHashMap<>();
            if (r.path != null) {
                keys.put("path", r.path);
            } else {
                keys.put("match", r.match);
            }
            keys.put("url", r.url);
            keys.put("order", Integer.toString(position * 10));
            keys.putAll(r.keys);
            if (!keys.containsKey("timeout") && proxyTimeout != null && !"!".equals(r.url)) {
                keys.put("timeout", proxyTimeout);
            }
            if (Boolean.TRUE.equals(preserveHost) && !"!".equals(r.url)) {
                keys.put("preserve.host", "true");
            }
            List<String> sources = new ArrayList<>(List.of(r.source));
            if (r.path != null && !"!".equals(r.url)) {
                boolean reversed = false;
                for (String[] rev : reverses) {
                    if (rev[0].equals(r.path) && rev[1].equals(r.url)) {
                        reversed = true;
                        sources.add(rev[2] + ": ProxyPassReverse " + rev[0] + " " + rev[1]);
                    }
                }
                keys.put("reverse", Boolean.toString(reversed));
            }
            String name = unique(routeName(r), names);
            names.add(name);
            files.add(file("io.passerelle.route-" + name + ".cfg", sources, keys));
        }
        for (String[] rev : reverses) {
            boolean used = routes.stream().anyMatch(r -> rev[0].equals(r.path) && rev[1].equals(r.url));
            if (!used) {
                notes.add(new Note(Integer.parseInt(rev[2].substring(5)), "ProxyPassReverse",
                        "no ProxyPass with the path " + rev[0] + " and the URL " + rev[1]
                                + " (Passerelle's reverse is a key of such a route)"));
            }
        }
        balancers.values().forEach(b -> {
            Map<String, String> keys = new LinkedHashMap<>();
            keys.put("members", String.join(", ", b.members));
            keys.putAll(b.keys);
            if (b.members.isEmpty()) {
                notes.add(new Note(0, "balancer://" + b.name, "no BalancerMember: the balancer answers 503"));
            }
            files.add(file("io.passerelle.balancer-" + b.name + ".cfg", b.sources, keys));
        });
        if (!rewrite.isEmpty()) {
            files.add(file("io.passerelle.rewrite-httpd.cfg", rewriteSources,
                    map("rules", String.join(" \\\n        ", rewrite.stream().map(HttpdImport::escape).toList())),
                    true));
        }
        if (!wstunnel.isEmpty()) {
            files.add(file("io.passerelle.wstunnel.cfg", wstunnelSources, wstunnel));
        }
        notes.sort((a, b) -> Integer.compare(a.line(), b.line()));
        return files;
    }

    private static String routeName(RouteDraft r) {
        String from = r.path != null ? r.path : r.match;
        String name = from.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return name.isEmpty() ? "root" : name;
    }

    private static String unique(String name, Set<String> taken) {
        String n = name;
        for (int i = 2; taken.contains(n); i++) {
            n = name + "-" + i;
        }
        return n;
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private CfgFile file(String name, List<String> sources, Map<String, String> keys) {
        return file(name, sources, keys, false);
    }

    private CfgFile file(String name, List<String> sources, Map<String, String> keys, boolean escaped) {
        StringBuilder b = new StringBuilder("# imported by proxy:import-httpd from ").append(sourceName).append('\n');
        for (String s : sources) {
            b.append("#   ").append(s.replace("\n", " ")).append('\n');
        }
        keys.forEach((k, v) -> b.append(k).append(" = ").append(escaped ? v : escape(v)).append('\n'));
        return new CfgFile(name, b.toString());
    }

    /**
     * A value as a {@code .cfg} file must hold it: a backslash written twice (Java properties), and Karaf's
     * {@code ${...}} substitution escaped as {@code $\\{...}} so that the value keeps {@code ${...}}.
     */
    static String escape(String value) {
        return value.replace("\\", "\\\\").replace("${", "$\\\\{");
    }

    // ------------------------------------------------------------------ lexing

    /** The directives of a configuration: comments and blank lines dropped, continuation lines joined. */
    private static List<Directive> directives(String text) {
        List<Directive> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int start = i + 1;
            StringBuilder logical = new StringBuilder(lines[i]);
            while (logical.toString().endsWith("\\") && i + 1 < lines.length) {
                logical.setLength(logical.length() - 1);
                logical.append(' ').append(lines[++i].strip());
            }
            String t = logical.toString().strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            List<String> words = words(t);
            out.add(new Directive(start, t, words.get(0), words.subList(1, words.size())));
        }
        return out;
    }

    /** httpd's word splitting: white space outside double or single quotes; quotes removed, \" kept as ". */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == quote) {
                    w.append(quote);
                    i++;
                } else if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(w.toString());
                    w.setLength(0);
                    inWord = false;
                }
            } else if ((c == '"' || c == '\'') && !inWord) {
                quote = c;
                inWord = true;
            } else {
                w.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(w.toString());
        }
        return words;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && (s.startsWith("\"") && s.endsWith("\"") || s.startsWith("'") && s.endsWith("'"))
                ? s.substring(1, s.length() - 1) : s;
    }
}
