package io.passerelle.rewrite.internal.engine;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

import io.passerelle.api.ClientInfo;
import io.passerelle.api.RequestHead;

/** The state of one request's pass through the rule list: its variables, back-references and current URI. */
public final class EvalContext {

    final RequestHead request;
    final ClientInfo client;
    final MapSource maps;
    final Trace trace;
    private final Clock clock;

    /** The decoded original path ({@code REQUEST_URI}). */
    final String originalUri;
    /** The current URI (path, or absolute URL after a redirect or proxy rule). */
    String uri;
    /** The current query, null for none. */
    String query;

    String[] ruleGroups;
    String[] condGroups;
    private Map<String, String> env;
    private ZonedDateTime now;
    private String serverName;
    private String serverPort;

    EvalContext(RequestHead request, ClientInfo client, MapSource maps, Trace trace, Clock clock) {
        this.request = request;
        this.client = client;
        this.maps = maps;
        this.trace = trace;
        this.clock = clock;
        this.originalUri = Escapes.decodePath(request.path());
        this.uri = originalUri;
        this.query = request.query();
    }

    static String[] groups(Matcher m) {
        String[] g = new String[m.groupCount() + 1];
        for (int i = 0; i < g.length; i++) {
            g[i] = m.group(i);
        }
        return g;
    }

    /** {@code $N} / {@code %N}: the group, or null when there is none (expands to nothing). */
    String backref(boolean rule, int n) {
        String[] g = rule ? ruleGroups : condGroups;
        return g == null || n >= g.length ? null : g[n];
    }

    String lookup(String map, String key) {
        String v = maps.lookup(map, key);
        if (trace != null) {
            trace.line("        map lookup ${" + map + ":" + key + "} -> " + (v == null || v.isEmpty() ? "(not found)" : "'" + v + "'"));
        }
        return v;
    }

    void setEnv(String name, String value) {
        if (env == null) {
            env = new HashMap<>(4);
        }
        if (value == null) {
            env.put(name, null); // unset, hiding the process environment
        } else {
            env.put(name, value);
        }
    }

    String env(String name) {
        if (env != null && env.containsKey(name)) {
            String v = env.get(name);
            return v == null ? "" : v;
        }
        String v = System.getenv(name);
        return v == null ? "" : v;
    }

    /** Variables set by {@code [E=...]} during this pass. */
    Map<String, String> envSet() {
        return env == null ? Map.of() : env;
    }

    private String header(String name) {
        List<String> all = request.headers().getAll(name);
        if (all.isEmpty()) {
            return "";
        }
        return all.size() == 1 ? all.get(0) : String.join(", ", all);
    }

    private void hostAndPort() {
        if (serverName != null) {
            return;
        }
        String host = request.headers().get("Host");
        String name = null;
        String port = null;
        if (host != null && !host.isBlank()) {
            host = host.trim();
            int colon;
            if (host.startsWith("[")) {
                int close = host.indexOf(']');
                name = close > 0 ? host.substring(0, close + 1) : host;
                colon = close > 0 && close + 1 < host.length() && host.charAt(close + 1) == ':' ? close + 1 : -1;
            } else {
                colon = host.lastIndexOf(':');
                name = colon >= 0 ? host.substring(0, colon) : host;
            }
            if (colon >= 0 && colon + 1 < host.length()) {
                port = host.substring(colon + 1);
            }
        }
        InetSocketAddress local = client == null ? null : client.local();
        if (name == null || name.isEmpty()) {
            name = local == null ? "localhost" : hostString(local);
        }
        if (port == null) {
            port = local == null ? (isHttps() ? "443" : "80") : Integer.toString(local.getPort());
        }
        serverName = name;
        serverPort = port;
    }

    private static String hostString(InetSocketAddress a) {
        String h = a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        return h.indexOf(':') >= 0 ? "[" + h + "]" : h;
    }

    private boolean isHttps() {
        return client != null && client.secure();
    }

    String scheme() {
        return isHttps() ? "https" : "http";
    }

    String serverName() {
        hostAndPort();
        return serverName;
    }

    String serverPort() {
        hostAndPort();
        return serverPort;
    }

    /** {@code host[:port]} of this server as the client addressed it, the port left out when it is the default. */
    String authority() {
        String port = serverPort();
        boolean defaultPort = isHttps() ? "443".equals(port) : "80".equals(port);
        return defaultPort ? serverName() : serverName() + ":" + port;
    }

    private ZonedDateTime now() {
        if (now == null) {
            now = ZonedDateTime.now(clock);
        }
        return now;
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    String variable(Variable.Ref ref) {
        switch (ref.variable()) {
            case HTTP_HEADER:
                return header(ref.arg());
            case HTTP_HOST:
                return header("Host");
            case HTTP_USER_AGENT:
                return header("User-Agent");
            case HTTP_REFERER:
                return header("Referer");
            case HTTP_COOKIE:
                return header("Cookie");
            case HTTP_ACCEPT:
                return header("Accept");
            case HTTP_FORWARDED:
                return header("Forwarded");
            case HTTP_PROXY_CONNECTION:
                return header("Proxy-Connection");
            case REQUEST_URI:
                return originalUri;
            case REQUEST_FILENAME:
            case SCRIPT_FILENAME:
                return uri;
            case REQUEST_METHOD:
                return request.method();
            case QUERY_STRING:
                return query == null ? "" : query;
            case THE_REQUEST:
                return request.method() + " " + request.target() + " " + request.version();
            case REMOTE_ADDR:
            case REMOTE_HOST:
                return client == null || client.remote() == null ? "" : stripBrackets(hostString(client.remote()));
            case REMOTE_PORT:
                return client == null || client.remote() == null ? "" : Integer.toString(client.remote().getPort());
            case SERVER_NAME:
                return serverName();
            case SERVER_PORT:
                return serverPort();
            case SERVER_ADDR:
                return client == null || client.local() == null ? "" : stripBrackets(hostString(client.local()));
            case SERVER_PROTOCOL:
                return request.version();
            case SERVER_SOFTWARE:
                return "Passerelle";
            case HTTPS:
                return isHttps() ? "on" : "off";
            case REQUEST_SCHEME:
                return scheme();
            case IS_SUBREQ:
                return "false";
            case API_VERSION:
                return "20120211:0";
            case ENV:
                return env(ref.arg());
            case TIME: {
                ZonedDateTime t = now();
                return t.getYear() + two(t.getMonthValue()) + two(t.getDayOfMonth()) + two(t.getHour())
                        + two(t.getMinute()) + two(t.getSecond());
            }
            case TIME_YEAR:
                return Integer.toString(now().getYear());
            case TIME_MON:
                return two(now().getMonthValue());
            case TIME_DAY:
                return two(now().getDayOfMonth());
            case TIME_HOUR:
                return two(now().getHour());
            case TIME_MIN:
                return two(now().getMinute());
            case TIME_SEC:
                return two(now().getSecond());
            case TIME_WDAY:
                return Integer.toString(now().getDayOfWeek().getValue() % 7);
            default:
                // REMOTE_USER, REMOTE_IDENT, AUTH_TYPE, SERVER_ADMIN, DOCUMENT_ROOT, CONTEXT_*, PATH_INFO, SSL:*,
                // and unknown names: nothing here gives them a value
                return "";
        }
    }

    private static String stripBrackets(String h) {
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }
}
