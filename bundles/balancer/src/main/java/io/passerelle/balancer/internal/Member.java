package io.passerelle.balancer.internal;

import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A balancer member at run time (httpd's worker): its spec, which reconfiguration may replace, and its
 * figures and states, which survive reconfiguration as long as the member's URL stays in the list. Its
 * lbmethod status lives in the balancer's election state (see {@link Balancer}).
 */
final class Member {

    private volatile MemberSpec spec;
    private final AtomicLong elected = new AtomicLong();
    private final AtomicLong busy = new AtomicLong();
    private final AtomicLong toMember = new AtomicLong();
    private final AtomicLong fromMember = new AtomicLong();
    /** System.nanoTime() until which the member is in error; 0 when it is not. */
    private volatile long errorUntil;
    /** Set by the active health check. */
    private volatile boolean healthDown;
    /** Another node that holds this member down (passerelle-cluster, share.health), or null. */
    private volatile String downOn;
    // health check state, touched by the health checker's threads only, under the member's lock
    int hcPasses;
    int hcFails;
    boolean probing;

    Member(MemberSpec spec) {
        this.spec = spec;
    }

    MemberSpec spec() {
        return spec;
    }

    void spec(MemberSpec s) {
        this.spec = s;
    }

    URI url() {
        return spec.url();
    }

    String route() {
        return spec.route();
    }

    int loadFactor() {
        return spec.loadFactor();
    }

    long elected() {
        return elected.get();
    }

    long busy() {
        return busy.get();
    }

    long bytesToMember() {
        return toMember.get();
    }

    long bytesFromMember() {
        return fromMember.get();
    }

    void countElected() {
        elected.incrementAndGet();
    }

    void busyUp() {
        busy.incrementAndGet();
    }

    void busyDown() {
        busy.updateAndGet(b -> b > 0 ? b - 1 : 0);
    }

    void traffic(long to, long from) {
        toMember.addAndGet(to);
        fromMember.addAndGet(from);
    }

    /** A failure before any response byte (or a {@code failonstatus} status): out for {@code retryMillis}. */
    void fail(long retryMillis) {
        if (spec.has('I')) {
            return;
        }
        errorUntil = System.nanoTime() + Math.max(1, retryMillis) * 1_000_000L;
        if (errorUntil == 0) {
            errorUntil = 1;
        }
    }

    void clearError() {
        errorUntil = 0;
    }

    boolean inError(long now) {
        long until = errorUntil;
        return until != 0 && now - until < 0;
    }

    boolean healthDown() {
        return healthDown;
    }

    void healthDown(boolean down) {
        healthDown = down;
    }

    String downOn() {
        return downOn;
    }

    void downOn(String node) {
        downOn = node;
    }

    /** Out by a health check: this node's, or another node's when verdicts are shared. */
    boolean checkedDown() {
        return healthDown || downOn != null;
    }

    /** httpd's PROXY_WORKER_IS_USABLE: not disabled, stopped, in error or failing its health check (here or elsewhere). */
    boolean usable(long now) {
        MemberSpec s = spec;
        return !s.has('D') && !s.has('S') && !checkedDown() && !inError(now);
    }

    /** The state column of {@code proxy:balancers}. */
    String state(long now) {
        MemberSpec s = spec;
        if (s.has('S')) {
            return "Stop";
        }
        if (s.has('D')) {
            return "Dis";
        }
        if (checkedDown()) {
            return "HcFl";
        }
        if (inError(now)) {
            return "Err";
        }
        if (s.has('N')) {
            return "Drn";
        }
        if (s.has('H')) {
            return "Stby";
        }
        return "Ok";
    }

    @Override
    public String toString() {
        return spec.urlText();
    }
}
