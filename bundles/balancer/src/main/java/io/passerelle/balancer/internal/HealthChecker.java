package io.passerelle.balancer.internal;

import java.net.URI;
import java.util.concurrent.Executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.BackendProbe;
import io.passerelle.api.BackendProbe.ProbeResult;

/**
 * Active health checks (httpd's mod_proxy_hcheck): a TCP connect, or a {@code GET}/{@code HEAD}/{@code OPTIONS}
 * of {@code hc.uri} answered 2xx or 3xx. The probe goes through the core ({@link BackendProbe}): the same
 * connections, and the same TLS settings (trust store, verification, SNI) as the requests of the routes that send
 * to the balancer. {@code hc.fails} failures in a row take a member out, {@code hc.passes} passes in a row bring
 * it back. Verdicts are applied on the registry's own threads, never on an I/O thread.
 */
final class HealthChecker {

    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
    private static final long MAX_TIMEOUT_MILLIS = 5_000;

    /** Told when this node's verdict on a member changes (the cluster shares it when asked to). */
    interface Changes {
        void changed(Balancer b, Member m, boolean down);
    }

    private final BackendProbe probe;
    private final Executor verdicts;
    private final Changes changes;

    HealthChecker(BackendProbe probe, Executor verdicts, Changes changes) {
        this.probe = probe;
        this.verdicts = verdicts;
        this.changes = changes;
    }

    /** Probes a member unless its last probe is still under way; the verdict is applied when it comes. */
    void check(Balancer b, BalancerSpec.HealthCheckSpec hc, Member m) {
        synchronized (m) {
            if (m.probing) {
                return;
            }
            m.probing = true;
        }
        long timeout = Math.min(MAX_TIMEOUT_MILLIS, Math.max(100, hc.intervalMillis()));
        probe.probe(m.url(), URI.create("balancer://" + b.name()), hc.method(), hc.uri(), timeout)
                .whenCompleteAsync((r, failure) -> verdict(b, hc, m,
                        failure == null ? r : ProbeResult.failed(failure.toString())), verdicts);
    }

    private void verdict(Balancer b, BalancerSpec.HealthCheckSpec hc, Member m, ProbeResult r) {
        boolean before;
        boolean after;
        synchronized (m) {
            before = m.healthDown();
            m.probing = false;
            if (r.passed()) {
                m.hcFails = 0;
                m.hcPasses++;
                if (m.healthDown() && m.hcPasses >= hc.passes()) {
                    m.healthDown(false);
                    LOG.info("Balancer {}: member {} passes its health check again ({} {}): back in", b.name(), m,
                            hc.method(), hc.uri());
                }
            } else {
                m.hcPasses = 0;
                m.hcFails++;
                if (!m.healthDown() && m.hcFails >= hc.fails()) {
                    m.healthDown(true);
                    LOG.warn("Balancer {}: member {} fails its health check ({} {}: {}): taken out", b.name(), m,
                            hc.method(), hc.uri(), r.reason());
                }
            }
            after = m.healthDown();
        }
        if (before != after) {
            changes.changed(b, m, after);
        }
    }
}
