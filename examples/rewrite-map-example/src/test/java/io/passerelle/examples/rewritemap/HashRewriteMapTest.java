package io.passerelle.examples.rewritemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class HashRewriteMapTest {

    private final HashRewriteMap map = new HashRewriteMap();

    @Test
    void sameKeySameBucketAndEveryBucketUsed() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String key = "10.0.0." + i;
            assertEquals(map.lookup("4", key), map.lookup("4", key));
            seen.add(map.lookup("4", key));
        }
        assertEquals(Set.of("0", "1", "2", "3"), seen);
    }

    @Test
    void badBucketCountIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> map.prepare("zero"));
        assertThrows(IllegalArgumentException.class, () -> map.prepare("0"));
    }
}
