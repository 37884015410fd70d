package io.passerelle.cluster.internal;

import static io.passerelle.cluster.internal.ConfigSync.Action.GIVE;
import static io.passerelle.cluster.internal.ConfigSync.Action.NOTHING;
import static io.passerelle.cluster.internal.ConfigSync.Action.TAKE;
import static io.passerelle.cluster.internal.ConfigSync.decide;
import static io.passerelle.cluster.internal.ConfigSync.hash;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The joining rule (who wins), the entry format and which files travel; no engine. */
class ConfigSyncTest {

    private static final SharedFile CLUSTER = new SharedFile(1_000, "a", "path = /x\n");

    @Test
    void aNewNodeTakesTheClustersCopyWhateverItsOwnFilesTime() {
        assertEquals(TAKE, decide(false, "path = /default\n", 9_999, null, CLUSTER));
        assertEquals(TAKE, decide(false, null, 9_999, null, CLUSTER), "a file the new node lacks arrives");
    }

    @Test
    void aFileTheClusterLacksIsGiven() {
        assertEquals(GIVE, decide(false, "path = /y\n", 5, null, null));
        assertEquals(GIVE, decide(true, "path = /y\n", 5, hash("path = /y\n"), null));
        assertEquals(NOTHING, decide(true, null, 5, null, null));
    }

    @Test
    void aNodeComingBackGivesWhatItChangedSinceItWasInStepIfThatIsLaterThanTheClustersChange() {
        String before = "path = /old\n";
        assertEquals(GIVE, decide(true, "path = /mine\n", 2_000, hash(before), CLUSTER), "changed later here");
        assertEquals(TAKE, decide(true, "path = /mine\n", 500, hash(before), CLUSTER), "changed earlier here");
        assertEquals(TAKE, decide(true, before, 2_000, hash(before), CLUSTER), "unchanged here: the cluster's");
        assertEquals(GIVE, decide(true, null, 2_000, hash(before), CLUSTER), "removed here later: removed there");
        assertEquals(NOTHING, decide(true, "path = /x\n", 2_000, hash(before), CLUSTER), "the same both sides");
    }

    @Test
    void aRemovalInTheClusterRemovesAnUnchangedFileAndNothingComesBack() {
        SharedFile removed = new SharedFile(3_000, "b", null);
        assertEquals(TAKE, decide(true, "path = /x\n", 2_000, hash("path = /x\n"), removed));
        assertEquals(NOTHING, decide(true, null, 4_000, null, removed));
    }

    @Test
    void entriesRoundTripAndGarbageIsRefused() {
        assertEquals(CLUSTER, SharedFile.decode(CLUSTER.encode()));
        SharedFile removed = new SharedFile(7, "node-1", null);
        assertEquals(removed, SharedFile.decode(removed.encode()));
        assertTrue(SharedFile.decode(removed.encode()).removed());
        assertEquals("", SharedFile.decode(new SharedFile(1, "a", "").encode()).content());
        assertNull(SharedFile.decode("2 1 a\nx"));
        assertNull(SharedFile.decode("1 x a\n"));
        assertNull(SharedFile.decode("1 1 a gone\n"));
        assertNull(SharedFile.decode(null));
    }

    @Test
    void onlyPasserellesFilesTravelAndNotTheNodesOwnNorTheLocalOnes() {
        ConfigDir dir = new ConfigDir(Path.of("/nonexistent"),
                List.of(FileSystems.getDefault().getPathMatcher("glob:io.passerelle.listener-*.cfg")));
        assertTrue(dir.shared("io.passerelle.route-ws.cfg"));
        assertTrue(dir.shared("io.passerelle.balancer-cluster.cfg"));
        assertTrue(dir.shared("io.passerelle.core.cfg"));
        assertFalse(dir.shared("io.passerelle.cluster.cfg"));
        assertFalse(dir.shared("io.passerelle.listener-main.cfg"));
        assertFalse(dir.shared("org.apache.karaf.shell.cfg"));
        assertFalse(dir.shared("io.passerelle.route-x.cfg.cluster-tmp"));
        assertFalse(dir.shared("../io.passerelle.route-x.cfg"));
        assertFalse(dir.shared("io.passerelle./x.cfg"));
    }
}
