package io.passerelle.balancer.internal.lbmethod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.passerelle.api.spi.LbMember;
import io.passerelle.api.spi.LbMethod;

/**
 * The three lbmethods against httpd's documented algorithms (mod_lbmethod_byrequests, _bytraffic,
 * _bybusyness): for byrequests, "each worker's lbstatus is increased by its lbfactor; the worker with the
 * highest lbstatus is elected and the sum of all lbfactors is subtracted from its lbstatus".
 */
class LbMethodsTest {

    private static String run(LbMethod method, List<TestMember> members, int requests) {
        StringBuilder seq = new StringBuilder();
        for (int i = 0; i < requests; i++) {
            LbMember m = method.elect(members);
            ((TestMember) m).elected++;
            seq.append(((TestMember) m).name);
        }
        return seq.toString();
    }

    @Test
    void byrequestsWithLoadFactors121Over400RequestsGivesHttpdsSequenceBACB() {
        TestMember a = new TestMember("a", 1);
        TestMember b = new TestMember("b", 2);
        TestMember c = new TestMember("c", 1);
        String seq = run(new ByRequests(), List.of(a, b, c), 400);
        // httpd: round 1 lbstatus a1 b2 c1 -> b (b=-2); a2 b0 c2 -> a (first of equals, a=-2);
        // a-1 b2 c3 -> c (c=-1); a0 b4 c0 -> b (b=0): back to 0 0 0, so "bacb" repeats
        assertEquals("bacb".repeat(100), seq);
        assertEquals(100, a.elected);
        assertEquals(200, b.elected);
        assertEquals(100, c.elected);
    }

    @Test
    void byrequestsWithEqualFactorsIsRoundRobinInMemberOrder() {
        List<TestMember> m = List.of(new TestMember("a", 1), new TestMember("b", 1), new TestMember("c", 1));
        assertEquals("abc".repeat(5), run(new ByRequests(), m, 15));
    }

    @Test
    void byrequestsWithFactors5And1ElectsFiveToOneWithinEachRoundOfSix() {
        TestMember a = new TestMember("a", 5);
        TestMember b = new TestMember("b", 1);
        String seq = run(new ByRequests(), List.of(a, b), 600);
        for (int round = 0; round < 100; round++) {
            String r = seq.substring(round * 6, round * 6 + 6);
            assertEquals(5, r.chars().filter(ch -> ch == 'a').count(), "round " + round + ": " + r);
        }
    }

    @Test
    void bytrafficElectsTheLeastTrafficPerLoadFactor() {
        TestMember a = new TestMember("a", 1);
        TestMember b = new TestMember("b", 4);
        TestMember c = new TestMember("c", 1);
        a.to = 1000;
        a.from = 1000;  // 2000 per factor
        b.to = 2000;
        b.from = 4000;  // 500 + 1000 = 1500 per factor
        c.to = 0;
        c.from = 1800;  // 1800
        assertSame(b, new ByTraffic().elect(List.of(a, b, c)));
        b.from = 8000;  // 500 + 2000 = 2500
        assertSame(c, new ByTraffic().elect(List.of(a, b, c)));
    }

    @Test
    void bytrafficElectsTheFirstOfEquals() {
        TestMember a = new TestMember("a", 1);
        TestMember b = new TestMember("b", 1);
        assertSame(a, new ByTraffic().elect(List.of(a, b)));
    }

    @Test
    void bybusynessElectsTheLeastBusyMember() {
        TestMember a = new TestMember("a", 1);
        TestMember b = new TestMember("b", 1);
        TestMember c = new TestMember("c", 1);
        a.busy = 10;
        b.busy = 3;
        c.busy = 7;
        assertSame(b, new ByBusyness().elect(List.of(a, b, c)));
    }

    @Test
    void bybusynessSpreadsNewTunnelsToTheLeastBusyAsTheyOpen() {
        TestMember a = new TestMember("a", 1);
        TestMember b = new TestMember("b", 1);
        TestMember c = new TestMember("c", 1);
        a.busy = 30;  // 30 open tunnels on a
        Map<String, Integer> counts = new HashMap<>();
        ByBusyness method = new ByBusyness();
        for (int i = 0; i < 90; i++) {
            TestMember m = (TestMember) method.elect(List.of(a, b, c));
            m.busy++;  // the new tunnel stays open
            counts.merge(m.name, 1, Integer::sum);
        }
        // b and c fill up to a's 30 first (60 tunnels), then the last 30 are shared: 40 open on each
        assertEquals(Map.of("a", 10, "b", 40, "c", 40), counts);
    }

    @Test
    void bybusynessBreaksTiesWithTheWeightedRotationOfByrequests() {
        TestMember a = new TestMember("a", 1);
        TestMember b = new TestMember("b", 2);
        TestMember c = new TestMember("c", 1);
        // nobody busy: the same sequence as byrequests
        assertEquals("bacb".repeat(10), run(new ByBusyness(), List.of(a, b, c), 40));
    }
}
