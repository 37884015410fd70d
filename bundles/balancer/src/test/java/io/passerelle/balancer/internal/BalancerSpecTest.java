package io.passerelle.balancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.common.config.ConfigException;

class BalancerSpecTest {

    private static Map<String, Object> props(String... kv) {
        Map<String, Object> p = new HashMap<>();
        p.put("service.pid", "io.passerelle.balancer~cluster");
        p.put("felix.fileinstall.filename", "file:/k/etc/io.passerelle.balancer-cluster.cfg");
        // what DS and Config Admin add to every component's properties
        p.put("osgi.ds.satisfying.condition.target", "(osgi.condition.id=true)");
        p.put("component.id", 12L);
        p.put("component.name", "io.passerelle.balancer.internal.BalancerComponent");
        for (int i = 0; i < kv.length; i += 2) {
            p.put(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void theSpecExampleParsesWithEveryKey() {
        BalancerSpec s = BalancerSpec.from(props("members", "ws://127.0.0.1:9001 route=a, "
                + "ws://127.0.0.1:9002 route=b loadfactor=2, ws://127.0.0.1:9003 status=+H",
                "lbmethod", "byrequests", "stickysession", "ROUTEID", "nofailover", "false", "maxattempts", "1",
                "failonstatus", "503", "hc.method", "GET", "hc.uri", "/health", "hc.interval", "5s",
                "hc.passes", "1", "hc.fails", "1"));
        assertEquals("cluster", s.name());
        assertEquals(3, s.members().size());
        assertEquals("a", s.members().get(0).route());
        assertEquals(2, s.members().get(1).loadFactor());
        assertTrue(s.members().get(2).has('H'));
        assertEquals("ROUTEID", s.stickyCookie());
        assertEquals("ROUTEID", s.stickyParam());
        assertEquals(1, s.maxAttempts());
        assertEquals(Set.of(503), s.failOnStatus());
        assertEquals(new BalancerSpec.HealthCheckSpec("GET", "/health", 5000, 1, 1), s.hc());
        assertEquals("/k/etc/io.passerelle.balancer-cluster.cfg", s.origin());
    }

    @Test
    void defaultsFollowHttpd() {
        BalancerSpec s = BalancerSpec.from(props("members", "http://h1:80, http://h2:80, http://h3:80"));
        assertEquals("byrequests", s.lbmethod());
        assertEquals(2, s.maxAttempts(), "maxattempts defaults to one less than the members");
        assertEquals(60_000, s.retryMillis());
        assertNull(s.hc());
        assertNull(s.stickyCookie());
        assertEquals(1, s.members().get(0).loadFactor());
    }

    @Test
    void stickysessionWithABarNamesTheCookieThenTheUrlParameter() {
        BalancerSpec s = BalancerSpec.from(props("members", "http://h1:80", "stickysession", "JSESSIONID|jsessionid"));
        assertEquals("JSESSIONID", s.stickyCookie());
        assertEquals("jsessionid", s.stickyParam());
    }

    @Test
    void membersFlagsCombineAndAMinusClearsOne() {
        MemberSpec m = MemberSpec.parse("http://h:1 status=+H+D-H+n retry=5s");
        assertEquals(Set.of('D', 'N'), m.flags());
        assertEquals(5000, m.retryMillis());
        assertEquals("http://h:1 status=+D+N retry=5000ms", m.format());
        assertEquals(m, MemberSpec.parse(m.format()));
    }

    private static void rejected(String key, String messagePart, String... kv) {
        ConfigException e = assertThrows(ConfigException.class, () -> BalancerSpec.from(props(kv)));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().contains(messagePart), e.getMessage());
        assertTrue(e.describe("/k/etc/x.cfg").contains("/k/etc/x.cfg"));
    }

    @Test
    void invalidValuesAreRejectedNamingTheKey() {
        rejected("members", "no member", "lbmethod", "byrequests");
        rejected("members", "loadfactor", "members", "http://h:1 loadfactor=0");
        rejected("members", "loadfactor", "members", "http://h:1 loadfactor=101");
        rejected("members", "unknown status flag", "members", "http://h:1 status=+X");
        rejected("members", "not an absolute URL", "members", "h:1");
        rejected("members", "listed twice", "members", "http://h:1, http://h:1");
        rejected("members", "used by two members", "members", "http://h:1 route=a, http://h:2 route=a");
        rejected("members", "unknown parameter", "members", "http://h:1 weight=3");
        rejected("members", "cannot be a balancer", "members", "balancer://other");
        rejected("maxattempts", "not an integer", "members", "http://h:1", "maxattempts", "x");
        rejected("failonstatus", "not an HTTP status", "members", "http://h:1", "failonstatus", "5000");
        rejected("nofailover", "true or false", "members", "http://h:1", "nofailover", "maybe");
        rejected("hc.method", "TCP, GET", "members", "http://h:1", "hc.method", "POST");
        rejected("hc.uri", "needs hc.method", "members", "http://h:1", "hc.uri", "/x");
        rejected("retry", "", "members", "http://h:1", "retry", "soon");
        rejected("lbmethd", "unknown key", "members", "http://h:1", "lbmethd", "bytraffic");
        rejected("stickysession", "COOKIE|param", "members", "http://h:1", "stickysession", "a|b|c");
    }

    private static RequestHead get(String target, String... headers) {
        HttpFields f = new HttpFields();
        for (int i = 0; i < headers.length; i += 2) {
            f.add(headers[i], headers[i + 1]);
        }
        int q = target.indexOf('?');
        return new RequestHead("GET", target, q < 0 ? target : target.substring(0, q), q < 0 ? null : target.substring(q + 1),
                "HTTP/1.1", f);
    }

    @Test
    void theStickyRouteIsWhatFollowsTheFirstDotOfTheCookieOrUrlParameter() {
        BalancerSpec s = BalancerSpec.from(props("members", "http://h:1 route=a", "stickysession", "JSESSIONID|jsessionid"));
        assertEquals("a", Balancer.stickyRoute(s, get("/x", "Cookie", "other=1; JSESSIONID=abc.a")));
        assertEquals("b.c", Balancer.stickyRoute(s, get("/x", "Cookie", "JSESSIONID=\"abc.b.c\"")));
        assertEquals("n1", Balancer.stickyRoute(s, get("/app;jsessionid=xyz.n1?x=1")));
        assertEquals("n2", Balancer.stickyRoute(s, get("/app?x=1&jsessionid=xyz.n2")));
        // the URL parameter comes first, as in httpd's find_session_route
        assertEquals("n3", Balancer.stickyRoute(s, get("/app?jsessionid=q.n3", "Cookie", "JSESSIONID=abc.a")));
        assertNull(Balancer.stickyRoute(s, get("/x", "Cookie", "JSESSIONID=nodot")));
        assertNull(Balancer.stickyRoute(s, get("/x?xjsessionid=q.n4")));
        assertNull(Balancer.stickyRoute(s, get("/x")));
    }

    @Test
    void reconfigurationKeepsTheFiguresOfMembersThatStay() {
        Balancer b = new Balancer(BalancerSpec.from(props("members", "http://h:1, http://h:2")));
        Member first = b.members().get(0);
        first.countElected();
        b.update(BalancerSpec.from(props("members", "http://h:1 loadfactor=3, http://h:3")));
        assertEquals(List.of("http://h:1", "http://h:3"), b.members().stream().map(m -> m.spec().urlText()).toList());
        assertTrue(b.members().get(0) == first);
        assertEquals(1, b.members().get(0).elected());
        assertEquals(3, b.members().get(0).loadFactor());
    }
}
