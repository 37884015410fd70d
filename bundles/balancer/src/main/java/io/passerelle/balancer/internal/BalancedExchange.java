package io.passerelle.balancer.internal;

import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.passerelle.api.BodyReceiver;
import io.passerelle.api.BodySource;
import io.passerelle.api.Exchange;
import io.passerelle.api.ExchangeWrapper;
import io.passerelle.api.ProxyTarget;
import io.passerelle.api.ResponseHead;
import io.passerelle.api.ResponseSink;
import io.passerelle.api.SchemeHandler;
import io.passerelle.api.spi.LbMethod;

/**
 * One request (or tunnel) through a balancer: elects a member, hands the exchange to the scheme handler of
 * the member's URL, and, when that handler fails before any response byte ({@code 502}, {@code 503} or
 * {@code 504} made by the proxy), puts the member in error and tries another one, up to the balancer's
 * {@code maxattempts} failovers. Keeps the member's busy count and traffic. Runs in the exchange's context.
 *
 * <p>A failover resends the request only when that is safe: the failed attempt never started reading the
 * request body (the backend never got the request: refused or timed-out connection), or the request is
 * idempotent and has no body.
 */
final class BalancedExchange {

    private static final Logger LOG = LoggerFactory.getLogger(BalancedExchange.class);
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE");

    private final BalancerHandler handler;
    private final Balancer balancer;
    private final LbMethod method;
    private final Exchange exchange;
    private final ProxyTarget target;
    private final Set<Member> tried = new HashSet<>(4);
    private final WatchedBody body;
    private Member current;
    private Attempt attempt;
    private boolean sticky;
    private int failovers;

    BalancedExchange(BalancerHandler handler, Balancer balancer, LbMethod method, Exchange exchange,
            ProxyTarget target) {
        this.handler = handler;
        this.balancer = balancer;
        this.method = method;
        this.exchange = exchange;
        this.target = target;
        this.body = new WatchedBody(exchange.requestBody());
    }

    void start() {
        exchange.onComplete(this::completed);
        elect();
    }

    private void elect() {
        Balancer.Election e = balancer.elect(method, exchange.request(), tried);
        if (e.member() == null) {
            LOG.debug("Balancer {}: {} – answering 503", balancer.name(), e.refusal());
            exchange.response().error(503);
            return;
        }
        sticky = e.sticky();
        attempt(e.member());
    }

    private void attempt(Member m) {
        current = m;
        tried.add(m);
        SchemeHandler h = handler.handlerFor(m.spec().scheme());
        if (h == null) {
            handler.missingScheme(balancer, m);
            release();
            exchange.response().error(503);
            return;
        }
        Attempt a = new Attempt(m);
        attempt = a;
        try {
            h.handle(a, handler.memberTarget(m, target));
        } catch (RuntimeException ex) {
            LOG.error("Balancer {}: the {} handler failed on member {}", balancer.name(), m.spec().scheme(), m, ex);
            if (!exchange.response().isCommitted()) {
                exchange.response().error(500);
            } else {
                exchange.response().abort();
            }
        }
    }

    /** The member no longer serves this exchange: it is not busy with it any more. */
    private void release() {
        if (current != null) {
            current.busyDown();
            current = null;
        }
    }

    private void completed() {
        Member m = current;
        if (m != null) {
            m.traffic(exchange.bytesFromClient(), exchange.bytesToClient());
        }
        release();
    }

    private boolean mayFailOver() {
        if (failovers >= balancer.spec().maxAttempts() || exchange.isDone() || (sticky && balancer.spec().noFailover())) {
            return false;
        }
        return !body.started || (body.length() == 0 && IDEMPOTENT.contains(exchange.request().method()));
    }

    /** The member's handler answered {@code status} itself, before any response byte. */
    private boolean failed(Attempt a, int status) {
        if (a != attempt || (status != 502 && status != 503 && status != 504)) {
            return false;
        }
        Member m = a.member;
        long retry = m.spec().retryMillis() >= 0 ? m.spec().retryMillis() : balancer.spec().retryMillis();
        m.fail(retry);
        boolean again = mayFailOver();
        LOG.warn("Balancer {}: member {} failed before answering ({}); {} for {} ms{}", balancer.name(), m, status,
                m.spec().has('I') ? "errors ignored (+I)" : "in error", retry,
                again ? "; trying another member" : "");
        if (!again) {
            return false;
        }
        failovers++;
        release();
        attempt = null;
        elect();
        return true;
    }

    /** The exchange as one member's handler sees it: its own response sink, the watched body. */
    private final class Attempt extends ExchangeWrapper {

        final Member member;
        private final AttemptSink sink;

        Attempt(Member member) {
            super(exchange);
            this.member = member;
            this.sink = new AttemptSink(this, exchange.response());
        }

        @Override
        public ResponseSink response() {
            return sink;
        }

        @Override
        public BodySource requestBody() {
            return body;
        }
    }

    private final class AttemptSink implements ResponseSink {

        private final Attempt owner;
        private final ResponseSink d;

        AttemptSink(Attempt owner, ResponseSink d) {
            this.owner = owner;
            this.d = d;
        }

        @Override
        public void head(ResponseHead head) {
            if (balancer.spec().failOnStatus().contains(head.status())) {
                Member m = owner.member;
                long retry = m.spec().retryMillis() >= 0 ? m.spec().retryMillis() : balancer.spec().retryMillis();
                m.fail(retry);
                LOG.warn("Balancer {}: member {} answered {} (failonstatus): in error for {} ms", balancer.name(), m,
                        head.status(), retry);
            }
            d.head(head);
        }

        @Override
        public boolean write(ByteBuffer data) {
            return d.write(data);
        }

        @Override
        public void onDrain(Runnable task) {
            d.onDrain(task);
        }

        @Override
        public void end() {
            d.end();
        }

        @Override
        public void error(int status) {
            if (!d.isCommitted() && failed(owner, status)) {
                return;
            }
            d.error(status);
        }

        @Override
        public void abort() {
            d.abort();
        }

        @Override
        public boolean isCommitted() {
            return d.isCommitted();
        }
    }

    /** The request body, noting whether a handler started reading it (then the backend got the request). */
    private static final class WatchedBody implements BodySource {

        private final BodySource d;
        boolean started;

        WatchedBody(BodySource d) {
            this.d = d;
        }

        @Override
        public long length() {
            return d.length();
        }

        @Override
        public void start(BodyReceiver receiver) {
            started = true;
            d.start(receiver);
        }

        @Override
        public void suspend() {
            d.suspend();
        }

        @Override
        public void resume() {
            d.resume();
        }
    }
}
