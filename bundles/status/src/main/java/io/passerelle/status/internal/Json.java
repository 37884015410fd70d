package io.passerelle.status.internal;

import java.util.Map;

import io.passerelle.api.BalancerStatus;
import io.passerelle.api.ProxyStatus;

/** The figures as JSON ({@code PATH json}): the same as the page and the metrics, names in snake case. */
final class Json {

    private final StringBuilder b = new StringBuilder(4096);

    private Json() {
    }

    static String of(Figures f) {
        Json j = new Json();
        j.b.append('{');
        if (f.node() != null) {
            Figures.Node n = f.node();
            j.b.append("\"node\":{");
            j.field("name", n.name()).field("cluster", n.cluster()).field("in_cluster", n.inCluster());
            j.string("members").b.append(":[");
            int m = 0;
            for (String member : n.members()) {
                j.sep(m++).string(member);
            }
            j.b.append("]},");
        }
        j.b.append("\"listeners\":[");
        int i = 0;
        for (ProxyStatus.ListenerView l : f.listeners()) {
            j.sep(i++).b.append('{');
            j.field("name", l.name()).field("address", l.address()).field("tls", l.tls())
                    .field("open_connections", l.openConnections()).last("state", l.state()).b.append('}');
        }
        j.b.append("],\"routes\":[");
        i = 0;
        for (Figures.Route r : f.routes()) {
            ProxyStatus.RouteView v = r.view();
            ProxyStatus.RouteFigures rf = r.figures();
            j.sep(i++).b.append('{');
            j.field("name", v.name()).field("path_or_match", v.pathOrMatch()).field("url", v.url())
                    .field("order", v.order()).field("generation", v.generation()).field("state", v.state())
                    .field("requests", v.requests());
            j.b.append("\"responses\":{");
            int k = 0;
            for (Map.Entry<Integer, Long> e : new java.util.TreeMap<>(rf.responses()).entrySet()) {
                j.sep(k++).string(Integer.toString(e.getKey())).b.append(':').append(e.getValue());
            }
            j.b.append("},");
            j.field("errors", rf.errors()).field("tunnels_open", rf.openTunnels())
                    .field("tunnels_total", rf.tunnelsTotal());
            j.b.append("\"tunnels_open_by_generation\":{");
            k = 0;
            for (Map.Entry<Long, Integer> e : r.tunnelsByGeneration().entrySet()) {
                j.sep(k++).string(Long.toString(e.getKey())).b.append(':').append(e.getValue());
            }
            j.b.append("},");
            ProxyStatus.Latency l = rf.latency();
            j.field("bytes_in", rf.bytesIn()).field("bytes_out", rf.bytesOut());
            j.b.append("\"latency_seconds\":{");
            j.field("count", l.count()).field("sum", l.sumSeconds()).field("p50", l.p50()).field("p95", l.p95())
                    .last("p99", l.p99()).b.append("}}");
        }
        j.b.append("],\"balancers\":[");
        i = 0;
        for (BalancerStatus.Balancer bal : f.balancers()) {
            j.sep(i++).b.append('{');
            j.field("name", bal.name()).field("lbmethod", bal.lbmethod()).b.append("\"members\":[");
            int k = 0;
            for (BalancerStatus.Member m : bal.members()) {
                j.sep(k++).b.append('{');
                j.field("url", m.url()).field("route", m.route()).field("flags", m.flags()).field("state", m.state())
                        .field("up", m.up()).field("load_factor", m.loadFactor()).field("elected", m.elected())
                        .field("busy", m.busy()).field("bytes_to_member", m.bytesToMember())
                        .field("bytes_from_member", m.bytesFromMember()).last("health", m.health()).b.append('}');
            }
            j.b.append("]}");
        }
        j.b.append("],\"tunnels\":[");
        i = 0;
        for (ProxyStatus.TunnelView t : f.tunnels()) {
            j.sep(i++).b.append('{');
            j.field("client", t.client()).field("backend", t.backend()).field("route", t.route())
                    .field("generation", t.generation()).field("age_ms", t.ageMillis())
                    .field("bytes_to_backend", t.bytesToBackend()).last("bytes_to_client", t.bytesToClient())
                    .b.append('}');
        }
        j.b.append("]}");
        return j.b.toString();
    }

    private Json sep(int index) {
        if (index > 0) {
            b.append(',');
        }
        return this;
    }

    private Json field(String name, Object value) {
        return last(name, value).comma();
    }

    private Json comma() {
        b.append(',');
        return this;
    }

    private Json last(String name, Object value) {
        string(name).b.append(':');
        if (value == null) {
            b.append("null");
        } else if (value instanceof Number || value instanceof Boolean) {
            b.append(value instanceof Double d && (d.isNaN() || d.isInfinite()) ? "null" : value.toString());
        } else {
            string(value.toString());
        }
        return this;
    }

    /** A JSON string: quotes, backslashes and control characters escaped (RFC 8259 §7). */
    private Json string(String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        b.append('"');
        return this;
    }
}
