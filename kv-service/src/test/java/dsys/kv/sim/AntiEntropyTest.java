package dsys.kv.sim;

import dsys.core.event.Event;
import dsys.core.node.NodeId;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStore;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Replicas catch up without any client read: digests, pushes of chosen states, and repairs of unfinished writes. */
class AntiEntropyTest {

    private final KvSim kv = KvSim.majority(3, 3);
    private final NodeId kv1 = kv.node(1), kv2 = kv.node(2), kv3 = kv.node(3);

    @Test
    void aReplicaThatMissedWritesCatchesUpWithoutReads() {
        kv.sim.network().partition(List.of(kv3), List.of(kv1, kv2));
        for (int i = 0; i < 40; i++) kv.written(kv.put(i % 2 == 0 ? kv1 : kv2, "k" + i, "v" + i));
        assertThat(kv.store(kv3).replicaEntries()).isEmpty();
        kv.sim.network().heal();
        assertThat(kv.sim.runUntil(kv::converged, Duration.ofSeconds(2))).as("%s", kv.replicaData()).isTrue();
        assertThat(kv.store(kv3).replicaEntries()).hasSize(40);
        assertThat(kv.store(kv3).stats().counts()).containsEntry("antientropy.learned", 40L);
        long bytes = kv.nodes.stream().mapToLong(n -> kv.store(n).stats().counts().getOrDefault("antientropy.bytes", 0L)).sum();
        assertThat(bytes).as("bytes moved by anti-entropy").isGreaterThan(40L * 4);
        List<Event> rounds = kv.sim.events().stream().filter(e -> e.kind().equals("kv.antientropy")).toList();
        assertThat(rounds).anySatisfy(e -> assertThat((Integer) e.fields().get("pushed")).isPositive());
        assertThat(kv.sim.events()).anySatisfy(e -> assertThat(e.kind()).isEqualTo("kv.learn"));
    }

    @Test
    void aWriteWhoseCoordinatorDiedAfterTheAcceptsIsSettledByARepair() {
        kv.written(kv.put(kv2, "x", "1"));
        kv.sim.armCrashPoint(kv1, QuorumStore.CRASH_AFTER_ACCEPT_SENT);
        kv.put(kv1, "x", "2");
        kv.sim.runFor(Duration.ofMillis(30));
        assertThat(kv.sim.isUp(kv1)).isFalse();
        assertThat(kv.store(kv2).replicaState("x").committed()).as("nobody told kv-2 that '2' is chosen").isFalse();
        kv.sim.restart(kv1);
        assertThat(kv.sim.runUntil(kv::converged, Duration.ofSeconds(3))).as("%s", kv.replicaData()).isTrue();
        assertThat(kv.sim.events()).anySatisfy(e -> assertThat(e.kind()).isEqualTo("kv.repair"));
        assertThat(kv.value(kv.get(kv3, "x", ReadLevel.ONE)).value()).isEqualTo("2");
    }

    @Test
    void aChosenWriteWhoseCommitWasLostIsSeenChosenAfterARepair() {
        kv.sim.armCrashPoint(kv1, QuorumStore.CRASH_BEFORE_COMMIT);
        kv.put(kv1, "x", "1");
        kv.sim.runFor(Duration.ofMillis(60));
        assertThat(kv.sim.isUp(kv1)).isFalse();
        assertThat(kv.store(kv2).replicaState("x").committed()).isFalse();
        // kv-2 and kv-3 settle it between them while kv-1 is down
        assertThat(kv.sim.runUntil(() -> kv.store(kv2).replicaState("x").committed()
                && kv.store(kv3).replicaState("x").committed(), Duration.ofSeconds(3))).isTrue();
        kv.sim.restart(kv1);
        assertThat(kv.sim.runUntil(kv::converged, Duration.ofSeconds(3))).as("%s", kv.replicaData()).isTrue();
        assertThat(kv.value(kv.get(kv2, "x", ReadLevel.LINEARIZABLE)).value()).isEqualTo("1");
    }

    @Test
    void settingsChangeHowOftenReplicasCompare() {
        KvSim slow = new KvSim(4, 3, Configurations.MAJORITY_3.config, QuorumSettings.sim().withAntiEntropyMs(1_000));
        slow.sim.runFor(Duration.ofMillis(2_050));
        long offers = slow.sim.messageCounts().getOrDefault("DigestOffer", 0L);
        assertThat(offers).as("two rounds per replica in 2 s").isBetween(4L, 6L);
    }
}
