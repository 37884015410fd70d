package io.passerelle.balancer.internal;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.api.spi.LbMember;
import io.passerelle.api.spi.LbMethod;

/**
 * A balancer at run time: its spec and members, and the election of a member for a request (httpd's
 * {@code find_best_worker}, with stickiness first). Reconfiguration swaps the spec and member list; members
 * whose URL stays keep their figures and states.
 *
 * <p>Elections take no lock (I/O threads never wait): the lbmethods' statuses form one immutable snapshot;
 * an election lets the method work on a copy and publishes it with a compare-and-set, trying again on the
 * new snapshot if another thread elected meanwhile. Elections are therefore serial in effect, and the
 * weighted sequences of httpd's methods hold exactly across I/O threads.
 */
final class Balancer {

    /** The outcome of an election: a member, or why there is none. */
    record Election(Member member, boolean sticky, String refusal) {

        static Election of(Member m, boolean sticky) {
            return new Election(m, sticky, null);
        }

        static Election refused(String why) {
            return new Election(null, false, why);
        }
    }

    private volatile BalancerSpec spec;
    private volatile List<Member> members;
    /** The lbmethod status of each member (httpd's lbstatus), replaced whole by each election. */
    private final AtomicReference<Map<Member, Long>> lbStatus = new AtomicReference<>(Map.of());

    Balancer(BalancerSpec spec) {
        this.spec = spec;
        this.members = build(spec, Map.of());
    }

    BalancerSpec spec() {
        return spec;
    }

    List<Member> members() {
        return members;
    }

    String name() {
        return spec.name();
    }

    /** Takes a new version of the configuration, keeping the figures of members that stay. */
    synchronized void update(BalancerSpec newSpec) {
        Map<String, Member> old = new HashMap<>();
        for (Member m : members) {
            old.put(m.spec().urlText(), m);
        }
        List<Member> now = build(newSpec, old);
        this.members = now;
        this.spec = newSpec;
        lbStatus.updateAndGet(m -> {
            Map<Member, Long> kept = new IdentityHashMap<>();
            for (Member member : now) {
                Long v = m.get(member);
                if (v != null) {
                    kept.put(member, v);
                }
            }
            return kept;
        });
    }

    private static List<Member> build(BalancerSpec spec, Map<String, Member> old) {
        List<Member> list = new ArrayList<>();
        for (MemberSpec ms : spec.members()) {
            Member m = old.get(ms.urlText());
            if (m == null) {
                m = new Member(ms);
            } else {
                m.spec(ms);
            }
            list.add(m);
        }
        return List.copyOf(list);
    }

    /** The member whose URL or route is {@code id}, or null. */
    Member find(String id) {
        for (Member m : members) {
            if (m.spec().urlText().equals(id) || (!m.route().isEmpty() && m.route().equals(id))) {
                return m;
            }
        }
        String trimmed = id.endsWith("/") ? id.substring(0, id.length() - 1) : id;
        for (Member m : members) {
            String u = m.spec().urlText();
            if ((u.endsWith("/") ? u.substring(0, u.length() - 1) : u).equals(trimmed)) {
                return m;
            }
        }
        return null;
    }

    /**
     * Chooses a member for a request: its sticky member when the request names a usable one (draining members
     * included), else one elected by {@code method} among the usable members not {@code tried} yet (hot
     * standbys only when no other is usable). The election counts the member elected and busy.
     */
    Election elect(LbMethod method, RequestHead request, Set<Member> tried) {
        BalancerSpec s = spec;
        List<Member> all = members;
        long now = System.nanoTime();
        String route = stickyRoute(s, request);
        if (route != null) {
            for (Member m : all) {
                if (route.equals(m.route()) && !tried.contains(m)) {
                    if (m.usable(now)) {
                        m.countElected();
                        m.busyUp();
                        return Election.of(m, true);
                    }
                    if (s.noFailover()) {
                        return Election.refused("the sticky member " + m + " of route '" + route
                                + "' is not usable and nofailover is set");
                    }
                }
            }
        }
        List<Member> candidates = candidates(all, tried, now, false);
        if (candidates.isEmpty()) {
            candidates = candidates(all, tried, now, true);
        }
        if (candidates.isEmpty() && forceRecovery(all, tried, now)) {
            candidates = candidates(all, tried, now, false);
            if (candidates.isEmpty()) {
                candidates = candidates(all, tried, now, true);
            }
        }
        if (candidates.isEmpty()) {
            return Election.refused("no usable member");
        }
        Member m = elect(method, candidates);
        if (m == null) {
            return Election.refused("lbmethod " + s.lbmethod() + " chose no member");
        }
        m.countElected();
        m.busyUp();
        return Election.of(m, false);
    }

    /** Runs the method on a copy of the statuses and publishes the copy, lock-free (see the class javadoc). */
    private Member elect(LbMethod method, List<Member> candidates) {
        while (true) {
            Map<Member, Long> before = lbStatus.get();
            List<Candidate> views = new ArrayList<>(candidates.size());
            for (Member c : candidates) {
                views.add(new Candidate(c, before.getOrDefault(c, 0L)));
            }
            LbMember chosen = method.elect(views);
            Map<Member, Long> after = new IdentityHashMap<>(before);
            for (Candidate v : views) {
                after.put(v.member, v.status);
            }
            if (lbStatus.compareAndSet(before, after)) {
                return chosen instanceof Candidate c && views.contains(c) ? c.member : null;
            }
        }
    }

    /** A member as an lbmethod sees it during one election: live figures, the status of this election's copy. */
    private static final class Candidate implements LbMember {

        final Member member;
        long status;

        Candidate(Member member, long status) {
            this.member = member;
            this.status = status;
        }

        @Override
        public URI url() {
            return member.url();
        }

        @Override
        public String route() {
            return member.route();
        }

        @Override
        public int loadFactor() {
            return member.loadFactor();
        }

        @Override
        public long elected() {
            return member.elected();
        }

        @Override
        public long busy() {
            return member.busy();
        }

        @Override
        public long bytesToMember() {
            return member.bytesToMember();
        }

        @Override
        public long bytesFromMember() {
            return member.bytesFromMember();
        }

        @Override
        public long lbStatus() {
            return status;
        }

        @Override
        public void lbStatus(long value) {
            status = value;
        }

        @Override
        public String toString() {
            return member.toString();
        }
    }

    private static List<Member> candidates(List<Member> all, Set<Member> tried, long now, boolean standby) {
        List<Member> out = new ArrayList<>(all.size());
        for (Member m : all) {
            MemberSpec ms = m.spec();
            if (ms.has('H') == standby && !ms.has('N') && m.usable(now) && !tried.contains(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * httpd's forced recovery: when every member that could serve is in error, they are all given another
     * chance at once rather than refusing every request until their {@code retry} elapses.
     */
    private static boolean forceRecovery(List<Member> all, Set<Member> tried, long now) {
        boolean any = false;
        for (Member m : all) {
            MemberSpec ms = m.spec();
            if (!ms.has('D') && !ms.has('S') && !ms.has('N') && !m.checkedDown() && m.inError(now)
                    && !tried.contains(m)) {
                m.clearError();
                any = true;
            }
        }
        return any;
    }

    /**
     * The route a request asks for (httpd's {@code find_session_route}): the URL parameter first (in the path
     * after {@code ;} or in the query), then the cookie; the route is what follows the first {@code .} of the
     * value.
     */
    static String stickyRoute(BalancerSpec s, RequestHead request) {
        if (s.stickyCookie() == null) {
            return null;
        }
        String value = urlParam(request.target(), s.stickyParam());
        if (value == null) {
            value = cookie(request.headers(), s.stickyCookie());
        }
        if (value == null) {
            return null;
        }
        int dot = value.indexOf('.');
        if (dot < 0 || dot == value.length() - 1) {
            return null;
        }
        return value.substring(dot + 1);
    }

    static String urlParam(String target, String name) {
        if (target == null) {
            return null;
        }
        int from = 0;
        while (true) {
            int at = target.indexOf(name + "=", from);
            if (at < 0) {
                return null;
            }
            char before = at == 0 ? '?' : target.charAt(at - 1);
            if (before == ';' || before == '?' || before == '&') {
                int start = at + name.length() + 1;
                int end = start;
                while (end < target.length() && "&;?#/".indexOf(target.charAt(end)) < 0) {
                    end++;
                }
                return target.substring(start, end);
            }
            from = at + 1;
        }
    }

    static String cookie(HttpFields headers, String name) {
        for (String line : headers.getAll("Cookie")) {
            for (String pair : line.split(";")) {
                String p = pair.trim();
                int eq = p.indexOf('=');
                if (eq > 0 && p.substring(0, eq).trim().equals(name)) {
                    String v = p.substring(eq + 1).trim();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    return v;
                }
            }
        }
        return null;
    }
}
