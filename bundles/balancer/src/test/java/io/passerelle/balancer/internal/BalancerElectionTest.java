package io.passerelle.balancer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.passerelle.api.HttpFields;
import io.passerelle.api.RequestHead;
import io.passerelle.balancer.internal.lbmethod.ByRequests;

/** Elections are lock-free yet serial in effect: httpd's weighted counts hold exactly under concurrency. */
class BalancerElectionTest {

    @Test
    void concurrentElectionsGiveExactlyTheLoadFactorShares() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put("service.pid", "io.passerelle.balancer~c");
        props.put("members", "http://a:1, http://b:1 loadfactor=2, http://c:1");
        Balancer b = new Balancer(BalancerSpec.from(props));
        RequestHead get = new RequestHead("GET", "/", "/", null, "HTTP/1.1", new HttpFields());
        ByRequests method = new ByRequests();
        int threads = 4;
        int perThread = 10_000;  // 40,000 elections = 10,000 rounds of 4
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    b.elect(method, get, Set.of()).member().busyDown();
                }
                return null;
            });
        }
        start.countDown();
        pool.shutdown();
        assertEquals(true, pool.awaitTermination(60, TimeUnit.SECONDS));
        List<Member> m = b.members();
        assertEquals(List.of(10_000L, 20_000L, 10_000L), List.of(m.get(0).elected(), m.get(1).elected(), m.get(2).elected()));
    }
}
