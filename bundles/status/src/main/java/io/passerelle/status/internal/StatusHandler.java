package io.passerelle.status.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import io.passerelle.api.BalancerStatus;
import io.passerelle.api.ClusterMembership;
import io.passerelle.api.Exchange;
import io.passerelle.api.HttpFields;
import io.passerelle.api.ProxyStatus;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.SchemeHandler;

/**
 * The {@code status:} scheme (SPEC §4.8; httpd's mod_status and balancer-manager, HAProxy's stats page): a
 * {@code path} route whose url is {@code status:} serves, below its path, an HTML page ({@code PATH}), the same
 * figures in Prometheus text format ({@code PATH metrics}) and as JSON ({@code PATH json}). The figures come from
 * the core ({@link ProxyStatus}) and, while the balancer module is installed, from {@link BalancerStatus}: this
 * module imports no other module. Who may see them is the route's {@code allow} (loopback only by default).
 */
@Component(service = SchemeHandler.class, property = SchemeHandler.SCHEME + "=status")
public final class StatusHandler implements SchemeHandler {

    private final ProxyStatus status;
    private volatile BalancerStatus balancers;
    /** While passerelle-cluster is installed: which node this is, shown on the page and in the JSON. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile ClusterMembership cluster;

    @Activate
    public StatusHandler(@Reference ProxyStatus status) {
        this.status = status;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBalancers(BalancerStatus b) {
        balancers = b;
    }

    void unbindBalancers(BalancerStatus b) {
        if (balancers == b) {
            balancers = null;
        }
    }

    @Override
    public void handle(Exchange exchange, ProxyTarget target) {
        String prefix = target.route().frontPrefix();
        String path = exchange.request().path();
        String rest = prefix != null && path.startsWith(prefix) ? path.substring(prefix.length()) : null;
        if (!"GET".equals(exchange.request().method()) && !exchange.request().isHead()) {
            exchange.response().error(405);
            return;
        }
        Figures figures;
        byte[] body;
        String type;
        if ("".equals(rest)) {
            figures = Figures.now(status, balancers, cluster);
            body = StatusPage.html(figures, prefix).getBytes(StandardCharsets.UTF_8);
            type = "text/html; charset=utf-8";
        } else if ("metrics".equals(rest)) {
            figures = Figures.now(status, balancers, cluster);
            body = Metrics.prometheus(figures);
            type = Metrics.CONTENT_TYPE;
        } else if ("json".equals(rest)) {
            figures = Figures.now(status, balancers, cluster);
            body = Json.of(figures).getBytes(StandardCharsets.UTF_8);
            type = "application/json";
        } else {
            exchange.response().error(404);
            return;
        }
        HttpFields headers = new HttpFields().set("Content-Type", type)
                .set("Content-Length", Integer.toString(body.length)).set("Cache-Control", "no-store");
        exchange.response().head(new ResponseHead(200, "OK", headers));
        if (!exchange.request().isHead()) {
            exchange.response().write(ByteBuffer.wrap(body));
        }
        exchange.response().end();
    }
}
