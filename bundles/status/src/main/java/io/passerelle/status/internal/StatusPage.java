package io.passerelle.status.internal;

import java.util.Map;
import java.util.stream.Collectors;

import io.passerelle.api.BalancerStatus;
import io.passerelle.api.ProxyStatus;

/**
 * The HTML page ({@code PATH}): listeners, routes, balancers and open tunnels in plain tables, made on the server;
 * it needs no script (SPEC §4.8). Every value is HTML-escaped.
 */
final class StatusPage {

    private StatusPage() {
    }

    static String html(Figures f, String prefix) {
        StringBuilder b = new StringBuilder(8192);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Passerelle status</title>\n")
                .append("<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:")
                .append("1.5em}th,td{border:1px solid #bbb;padding:.2em .5em;text-align:right}th:first-child,")
                .append("td:first-child{text-align:left}th{background:#eee}</style></head><body>\n")
                .append("<h1>Passerelle status</h1>\n<p>Also as <a href=\"").append(esc(prefix))
                .append("metrics\">Prometheus metrics</a> and <a href=\"").append(esc(prefix)).append("json\">JSON</a>.</p>\n");
        if (f.node() != null) {
            b.append("<p id=\"node\">").append(esc(f.node().description())).append("</p>\n");
        }

        b.append("<h2>Listeners</h2>\n<table id=\"listeners\"><tr><th>Name</th><th>Address</th><th>TLS</th>")
                .append("<th>Open connections</th><th>State</th></tr>\n");
        for (ProxyStatus.ListenerView l : f.listeners()) {
            row(b, l.name(), l.address(), l.tls() ? "yes" : "no", l.openConnections(), l.state());
        }
        b.append("</table>\n");

        b.append("<h2>Routes</h2>\n<table id=\"routes\"><tr><th>Name</th><th>Path or match</th><th>URL</th>")
                .append("<th>Gen</th><th>Handler</th><th>1xx</th><th>2xx</th><th>3xx</th><th>4xx</th><th>5xx</th>")
                .append("<th>Errors</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>Open tunnels by gen</th>")
                .append("<th>Tunnels</th><th>Bytes in</th><th>Bytes out</th></tr>\n");
        for (Figures.Route r : f.routes()) {
            ProxyStatus.RouteView v = r.view();
            ProxyStatus.RouteFigures rf = r.figures();
            long[] classes = new long[6];
            for (Map.Entry<Integer, Long> e : rf.responses().entrySet()) {
                int c = e.getKey() / 100;
                classes[c >= 1 && c <= 5 ? c : 0] += e.getValue();
            }
            String byGeneration = r.tunnelsByGeneration().isEmpty() ? "-"
                    : r.tunnelsByGeneration().entrySet().stream().map(e -> "gen " + e.getKey() + ": " + e.getValue())
                            .collect(Collectors.joining(", "));
            row(b, v.name(), v.pathOrMatch(), v.url(), v.generation(), v.state(), classes[1], classes[2], classes[3],
                    classes[4], classes[5], rf.errors(), ms(rf.latency().p50()), ms(rf.latency().p95()),
                    ms(rf.latency().p99()), byGeneration, rf.tunnelsTotal(), rf.bytesIn(), rf.bytesOut());
        }
        b.append("</table>\n");

        b.append("<h2>Balancers</h2>\n");
        if (f.balancers().isEmpty()) {
            b.append("<p>None (or the passerelle-balancer feature is not installed).</p>\n");
        }
        for (BalancerStatus.Balancer bal : f.balancers()) {
            b.append("<h3>balancer://").append(esc(bal.name())).append(" (").append(esc(bal.lbmethod())).append(")</h3>\n")
                    .append("<table class=\"balancer\"><tr><th>Member</th><th>Route</th><th>Flags</th><th>State</th>")
                    .append("<th>Load factor</th><th>Elected</th><th>Busy</th><th>To member</th><th>From member</th>")
                    .append("<th>Health</th></tr>\n");
            for (BalancerStatus.Member m : bal.members()) {
                row(b, m.url(), m.route(), m.flags(), m.state(), m.loadFactor(), m.elected(), m.busy(),
                        m.bytesToMember(), m.bytesFromMember(), m.health());
            }
            b.append("</table>\n");
        }

        b.append("<h2>Open tunnels</h2>\n<table id=\"tunnels\"><tr><th>Client</th><th>Backend</th><th>Route</th>")
                .append("<th>Gen</th><th>Age s</th><th>To backend</th><th>To client</th></tr>\n");
        for (ProxyStatus.TunnelView t : f.tunnels()) {
            row(b, t.client(), t.backend(), t.route(), t.generation(), t.ageMillis() / 1000, t.bytesToBackend(),
                    t.bytesToClient());
        }
        b.append("</table>\n</body></html>\n");
        return b.toString();
    }

    private static void row(StringBuilder b, Object... cells) {
        b.append("<tr>");
        for (Object c : cells) {
            b.append("<td>").append(esc(String.valueOf(c))).append("</td>");
        }
        b.append("</tr>\n");
    }

    private static String ms(double seconds) {
        return String.format(java.util.Locale.ROOT, "%.2f", seconds * 1000);
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
