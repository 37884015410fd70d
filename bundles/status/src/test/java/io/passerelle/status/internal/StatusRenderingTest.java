package io.passerelle.status.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.passerelle.api.BalancerStatus;
import io.passerelle.api.ClusterMembership;
import io.passerelle.api.ProxyStatus;

/** The three renderings of SPEC §4.8 from one set of figures: names, labels, histograms and escaping. */
class StatusRenderingTest {

    private static final ProxyStatus.Latency LATENCY = new ProxyStatus.Latency(10, 0.05, 0.002, 0.01, 0.02,
            new double[] {0.005, 0.01, 0.025}, new long[] {6, 9, 10});

    private static final ProxyStatus STATUS = new ProxyStatus() {
        @Override
        public List<RouteView> routes() {
            return List.of(new RouteView("ws2", "/ws2/", "ws://127.0.0.1:9/", 100, 3, "active", 12, 1, 2),
                    new RouteView("odd<&\">", "/x/", "http://127.0.0.1:9/", 100, 1, "active", 0, 0, 0));
        }

        @Override
        public List<RouteFigures> routeFigures() {
            return List.of(new RouteFigures("ws2", 3, Map.of(101, 2L, 200, 10L), 2, 1, 2, 1000, 2000, LATENCY),
                    new RouteFigures("odd<&\">", 1, Map.of(), 0, 0, 0, 0, 0,
                            new ProxyStatus.Latency(0, 0, 0, 0, 0, new double[] {0.005}, new long[] {0})));
        }

        @Override
        public List<ListenerView> listeners() {
            return List.of(new ListenerView("main", "0.0.0.0:8080", false, 5, "listening"));
        }

        @Override
        public List<TunnelView> tunnels() {
            return List.of(new TunnelView("127.0.0.1:50001", "127.0.0.1:9", "ws2", 2, 1500, 30, 40));
        }
    };

    private static final BalancerStatus BALANCERS = () -> List.of(new BalancerStatus.Balancer("cluster", "byrequests",
            List.of(new BalancerStatus.Member("http://a:1", "ra", "", "Ok", true, 1, 7, 0, 10, 20, "up"),
                    new BalancerStatus.Member("http://b:1", "rb", "+D", "Dis", false, 1, 3, 0, 0, 0, "-"))));

    @Test
    void prometheusTextHasTheSpecsNamesLabelsAndACumulativeHistogram() {
        String text = new String(Metrics.prometheus(Figures.now(STATUS, BALANCERS)), StandardCharsets.UTF_8);
        assertTrue(text.contains("# TYPE passerelle_requests_total counter\n"), text);
        assertTrue(text.contains("passerelle_requests_total{code=\"200\",route=\"ws2\"} 10.0\n"), text);
        assertTrue(text.contains("passerelle_requests_total{code=\"101\",route=\"ws2\"} 2.0\n"), text);
        assertTrue(text.contains("# TYPE passerelle_request_duration_seconds histogram\n"), text);
        assertTrue(text.contains("passerelle_request_duration_seconds_bucket{route=\"ws2\",le=\"0.005\"} 6\n"), text);
        assertTrue(text.contains("passerelle_request_duration_seconds_bucket{route=\"ws2\",le=\"0.01\"} 9\n"), text);
        assertTrue(text.contains("passerelle_request_duration_seconds_bucket{route=\"ws2\",le=\"+Inf\"} 10\n"), text);
        assertTrue(text.contains("passerelle_request_duration_seconds_count{route=\"ws2\"} 10\n"), text);
        assertTrue(text.contains("passerelle_tunnels_open{route=\"ws2\"} 1.0\n"), text);
        assertTrue(text.contains("passerelle_tunnels_total{route=\"ws2\"} 2.0\n"), text);
        assertTrue(text.contains("passerelle_bytes_total{direction=\"in\",route=\"ws2\"} 1000.0\n"), text);
        assertTrue(text.contains("passerelle_bytes_total{direction=\"out\",route=\"ws2\"} 2000.0\n"), text);
        assertTrue(text.contains("passerelle_connections_open{listener=\"main\"} 5.0\n"), text);
        assertTrue(text.contains("passerelle_balancer_member_up{balancer=\"cluster\",member=\"http://a:1\"} 1.0\n"), text);
        assertTrue(text.contains("passerelle_balancer_member_up{balancer=\"cluster\",member=\"http://b:1\"} 0.0\n"), text);
        assertTrue(text.contains("passerelle_balancer_member_elected_total{balancer=\"cluster\",member=\"http://a:1\"} 7.0\n"),
                text);
        assertTrue(text.contains("route=\"odd<&\\\">\""), "a quote in a label value is escaped:\n" + text);
    }

    @Test
    void jsonHoldsTheSameFigures() {
        String json = Json.of(Figures.now(STATUS, BALANCERS));
        assertTrue(json.startsWith("{\"listeners\":[{\"name\":\"main\",\"address\":\"0.0.0.0:8080\",\"tls\":false,"
                + "\"open_connections\":5,\"state\":\"listening\"}],\"routes\":[{\"name\":\"ws2\""), json);
        assertTrue(json.contains("\"responses\":{\"101\":2,\"200\":10}"), json);
        assertTrue(json.contains("\"tunnels_open_by_generation\":{\"2\":1}"), json);
        assertTrue(json.contains("\"latency_seconds\":{\"count\":10,\"sum\":0.05,\"p50\":0.002,\"p95\":0.01,\"p99\":0.02}"),
                json);
        assertTrue(json.contains("{\"name\":\"odd<&\\\">\""), json);
        assertTrue(json.contains("\"members\":[{\"url\":\"http://a:1\",\"route\":\"ra\",\"flags\":\"\",\"state\":\"Ok\","
                + "\"up\":true"), json);
        assertTrue(json.endsWith("\"tunnels\":[{\"client\":\"127.0.0.1:50001\",\"backend\":\"127.0.0.1:9\","
                + "\"route\":\"ws2\",\"generation\":2,\"age_ms\":1500,\"bytes_to_backend\":30,\"bytes_to_client\":40}]}"),
                json);
    }

    @Test
    void thePageShowsEveryTableEscapedAndNeedsNoScript() {
        String html = StatusPage.html(Figures.now(STATUS, BALANCERS), "/server-status/");
        assertTrue(html.contains("<td>ws2</td><td>/ws2/</td><td>ws://127.0.0.1:9/</td><td>3</td><td>active</td>"
                + "<td>2</td><td>10</td><td>0</td><td>0</td><td>0</td><td>2</td><td>2.00</td><td>10.00</td>"
                + "<td>20.00</td><td>gen 2: 1</td><td>2</td><td>1000</td><td>2000</td>"), html);
        assertTrue(html.contains("<td>odd&lt;&amp;&quot;&gt;</td>"), html);
        assertFalse(html.contains("<script"), "no script");
        assertTrue(html.contains("<h3>balancer://cluster (byrequests)</h3>"), html);
        assertTrue(html.contains("<td>127.0.0.1:50001</td><td>127.0.0.1:9</td><td>ws2</td><td>2</td><td>1</td>"), html);
        assertTrue(html.contains("href=\"/server-status/metrics\""), html);
        String none = StatusPage.html(Figures.now(STATUS, null), "/s/");
        assertTrue(none.contains("None (or the passerelle-balancer feature is not installed)"), none);
        assertEquals(-1, none.indexOf("balancer://"));
    }

    @Test
    void withTheClusterFeatureThePageAndTheJsonSayWhichNodeTheyDescribe() {
        ClusterMembership node = new ClusterMembership() {
            public String nodeName() {
                return "b<1>";
            }

            public String clusterName() {
                return "passerelle";
            }

            public boolean inCluster() {
                return true;
            }

            public List<String> members() {
                return List.of("127.0.0.1:5701", "127.0.0.1:5702");
            }
        };
        String html = StatusPage.html(Figures.now(STATUS, BALANCERS, node), "/s/");
        assertTrue(html.contains("<p id=\"node\">node b&lt;1&gt;, in cluster passerelle with 2 members "
                + "(127.0.0.1:5701, 127.0.0.1:5702)</p>"), html);
        String json = Json.of(Figures.now(STATUS, BALANCERS, node));
        assertTrue(json.startsWith("{\"node\":{\"name\":\"b<1>\",\"cluster\":\"passerelle\",\"in_cluster\":true,"
                + "\"members\":[\"127.0.0.1:5701\",\"127.0.0.1:5702\"]},\"listeners\":["), json);
        assertFalse(StatusPage.html(Figures.now(STATUS, BALANCERS), "/s/").contains("id=\"node\""), "alone: no node line");
        assertTrue(Json.of(Figures.now(STATUS, BALANCERS)).startsWith("{\"listeners\":["));
    }
}
