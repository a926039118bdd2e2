package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumStore;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The core's tallies behind dsys.kv.repairs and dsys.kv.replica.lag: write-backs, and how long a replica trailed. */
class RepairCountsTest {

    @Test
    void aReplicaCutOffFor300MsLearnsVersionsThatOld() {
        KvSim kv = KvSim.majority(5, 3);
        NodeId kv1 = kv.node(1), kv2 = kv.node(2), kv3 = kv.node(3);
        kv.sim.network().partition(List.of(kv3), List.of(kv1, kv2));
        kv.written(kv.put(kv1, "a", "1"));
        kv.sim.runFor(Duration.ofMillis(300));
        kv.sim.network().heal();
        assertThat(kv.sim.runUntil(kv::converged, Duration.ofSeconds(2))).isTrue();
        var counts = kv.store(kv3).stats().counts();
        assertThat(counts).containsEntry("antientropy.learned", 1L);
        assertThat(counts.get("antientropy.lag.ms")).isBetween(300L, 1_300L);
        assertThat(kv.store(kv1).stats().counts()).doesNotContainKey("antientropy.lag.ms"); // it never trailed
    }

    @Test
    void aReadThatWritesBackToOneStaleReplicaCountsOne() {
        KvSim kv = KvSim.majority(7, 3);
        NodeId kv1 = kv.node(1), kv2 = kv.node(2), kv3 = kv.node(3);
        kv.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(1));
        // '1' is accepted by kv-1 and kv-2 only, and nobody learns it was chosen
        kv.sim.network().partition(List.of(kv1, kv2), List.of(kv3));
        kv.sim.armCrashPoint(kv1, QuorumStore.CRASH_BEFORE_COMMIT);
        kv.put(kv1, "x", "1");
        kv.sim.runFor(Duration.ofMillis(10));
        kv.sim.network().heal();
        kv.sim.restart(kv1);
        kv.sim.crash(kv2);
        KvReplies.Value v = kv.value(kv.get(kv3, "x", ReadLevel.LINEARIZABLE));
        assertThat(v.value()).isEqualTo("1");
        assertThat(kv.store(kv3).stats().counts()).containsEntry("writebacks", 1L);
    }
}
