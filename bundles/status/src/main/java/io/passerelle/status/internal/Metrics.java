package io.passerelle.status.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.passerelle.api.BalancerStatus;
import io.passerelle.api.ProxyStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * The figures in Prometheus text format 0.0.4 (SPEC §4.8), written by the Prometheus Java client's own writer
 * from snapshots of the client's model: the format's escaping, ordering and histogram rules are the library's,
 * not re-implemented here. Counters are named without {@code _total}; the writer adds it.
 */
final class Metrics {

    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    private static final PrometheusTextFormatWriter WRITER = PrometheusTextFormatWriter.builder()
            .setIncludeCreatedTimestamps(false).build();

    private Metrics() {
    }

    static byte[] prometheus(Figures f) {
        List<MetricSnapshot> out = new ArrayList<>();
        CounterSnapshot.Builder requests = CounterSnapshot.builder().name("passerelle_requests")
                .help("Exchanges ended, by route and status code (101: a tunnel; 0: nothing was answered)");
        HistogramSnapshot.Builder duration = HistogramSnapshot.builder().name("passerelle_request_duration_seconds")
                .help("Time from the request head to the end of the response, HTTP exchanges only");
        GaugeSnapshot.Builder tunnelsOpen = GaugeSnapshot.builder().name("passerelle_tunnels_open")
                .help("Tunnels open, by route");
        CounterSnapshot.Builder tunnelsTotal = CounterSnapshot.builder().name("passerelle_tunnels")
                .help("Tunnels opened, by route");
        CounterSnapshot.Builder bytes = CounterSnapshot.builder().name("passerelle_bytes")
                .help("Body and tunnel bytes by route: direction in from clients, out to clients");
        CounterSnapshot.Builder errors = CounterSnapshot.builder().name("passerelle_errors")
                .help("Exchanges that ended in error (a 5xx of the proxy's own, an aborted stream, a client gone)");
        GaugeSnapshot.Builder generation = GaugeSnapshot.builder().name("passerelle_route_generation")
                .help("The generation of each route (grows with each effective change)");
        for (Figures.Route r : f.routes()) {
            ProxyStatus.RouteFigures rf = r.figures();
            String route = rf.name();
            for (Map.Entry<Integer, Long> e : new java.util.TreeMap<>(rf.responses()).entrySet()) {
                requests.dataPoint(CounterDataPointSnapshot.builder().value(e.getValue())
                        .labels(Labels.of("route", route, "code", Integer.toString(e.getKey()))).build());
            }
            duration.dataPoint(HistogramDataPointSnapshot.builder().labels(Labels.of("route", route))
                    .classicHistogramBuckets(buckets(rf.latency())).sum(rf.latency().sumSeconds()).build());
            tunnelsOpen.dataPoint(GaugeDataPointSnapshot.builder().value(rf.openTunnels())
                    .labels(Labels.of("route", route)).build());
            tunnelsTotal.dataPoint(CounterDataPointSnapshot.builder().value(rf.tunnelsTotal())
                    .labels(Labels.of("route", route)).build());
            bytes.dataPoint(CounterDataPointSnapshot.builder().value(rf.bytesIn())
                    .labels(Labels.of("route", route, "direction", "in")).build());
            bytes.dataPoint(CounterDataPointSnapshot.builder().value(rf.bytesOut())
                    .labels(Labels.of("route", route, "direction", "out")).build());
            errors.dataPoint(CounterDataPointSnapshot.builder().value(rf.errors())
                    .labels(Labels.of("route", route)).build());
            generation.dataPoint(GaugeDataPointSnapshot.builder().value(rf.generation())
                    .labels(Labels.of("route", route)).build());
        }
        out.add(requests.build());
        out.add(duration.build());
        out.add(tunnelsOpen.build());
        out.add(tunnelsTotal.build());
        out.add(bytes.build());
        out.add(errors.build());
        out.add(generation.build());

        GaugeSnapshot.Builder connections = GaugeSnapshot.builder().name("passerelle_connections_open")
                .help("Client connections open, by listener (tunnels included)");
        for (ProxyStatus.ListenerView l : f.listeners()) {
            connections.dataPoint(GaugeDataPointSnapshot.builder().value(l.openConnections())
                    .labels(Labels.of("listener", l.name())).build());
        }
        out.add(connections.build());

        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name("passerelle_balancer_member_up")
                .help("1 when the member is in service (Ok, or a hot standby), else 0");
        CounterSnapshot.Builder elected = CounterSnapshot.builder().name("passerelle_balancer_member_elected")
                .help("Times the member was chosen");
        GaugeSnapshot.Builder busy = GaugeSnapshot.builder().name("passerelle_balancer_member_busy")
                .help("Requests in flight and tunnels open on the member");
        for (BalancerStatus.Balancer b : f.balancers()) {
            for (BalancerStatus.Member m : b.members()) {
                Labels labels = Labels.of("balancer", b.name(), "member", m.url());
                up.dataPoint(GaugeDataPointSnapshot.builder().value(m.up() ? 1 : 0).labels(labels).build());
                elected.dataPoint(CounterDataPointSnapshot.builder().value(m.elected()).labels(labels).build());
                busy.dataPoint(GaugeDataPointSnapshot.builder().value(m.busy()).labels(labels).build());
            }
        }
        out.add(up.build());
        out.add(elected.build());
        out.add(busy.build());

        ByteArrayOutputStream text = new ByteArrayOutputStream(4096);
        try {
            WRITER.write(text, new MetricSnapshots(out));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return text.toByteArray();
    }

    /** Cumulative counts at the bounds, as the core keeps them, to the model's per-bucket counts with +Inf. */
    private static ClassicHistogramBuckets buckets(ProxyStatus.Latency l) {
        double[] bounds = new double[l.bounds().length + 1];
        long[] counts = new long[bounds.length];
        long below = 0;
        for (int i = 0; i < l.bounds().length; i++) {
            bounds[i] = l.bounds()[i];
            counts[i] = l.counts()[i] - below;
            below = l.counts()[i];
        }
        bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
        counts[counts.length - 1] = Math.max(0, l.count() - below);
        return ClassicHistogramBuckets.of(bounds, counts);
    }
}
