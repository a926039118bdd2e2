package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.QuorumMessages;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.ReadLevel;
import dsys.kv.quorum.Versioned;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Deletes write death certificates; they go only once every replica holds them and the horizon has passed. */
class TombstoneTest {

    private static final long HORIZON_MS = 300;
    private final KvSim kv = new KvSim(5, 3, Configurations.MAJORITY_3.config,
            QuorumSettings.sim().withTombstoneHorizonMs(HORIZON_MS));
    private final NodeId kv1 = kv.node(1), kv2 = kv.node(2), kv3 = kv.node(3);

    @Test
    void aDeletedKeyDoesNotComeBackFromAStaleReplicaAndIsCollectedOnlyWhenAllHoldTheTombstone() {
        Ballot first = kv.written(kv.put(kv1, "x", "1")).version();
        kv.sim.runFor(Duration.ofMillis(50));
        kv.sim.network().partition(List.of(kv3), List.of(kv1, kv2));
        Ballot deleted = kv.written(kv.delete(kv1, "x")).version();
        kv.sim.runFor(Duration.ofMillis(3 * HORIZON_MS));
        assertThat(kv.store(kv1).replicaState("x").content().tombstone()).as("kv-3 may still hold '1'").isTrue();
        assertThat(kv.store(kv3).replicaState("x").content().value()).isEqualTo("1");

        kv.sim.network().heal();
        assertThat(kv.value(kv.get(kv3, "x", ReadLevel.LINEARIZABLE)).found()).as("read through the stale replica").isFalse();
        boolean collected = kv.sim.runUntil(() -> kv.nodes.stream()
                .noneMatch(n -> kv.store(n).replicaEntries().containsKey("x")), Duration.ofSeconds(3));
        assertThat(collected).as("%s", kv.replicaData()).isTrue();
        assertThat(kv.sim.events()).filteredOn(e -> e.kind().equals("kv.tombstone.collected")).hasSize(3);
        assertThat(kv.value(kv.get(kv2, "x", ReadLevel.LINEARIZABLE)).version()).isEqualTo(Ballot.ZERO);

        // A stale accept of the old value, delayed past the collection, is refused: the floor covers its ballot.
        kv.store(kv1).onMessage(kv2, new QuorumMessages.Accept("late", "x", first, Versioned.ABSENT.next(first, "1", "late"), Ballot.ZERO));
        assertThat(kv.store(kv1).replicaState("x").accepted()).isEqualTo(Ballot.ZERO);
        assertThat(kv.store(kv1).replicaState("x").promised()).isGreaterThanOrEqualTo(deleted);

        Ballot again = kv.written(kv.put(kv3, "x", "2")).version();
        assertThat(again).as("a key written again gets a version above its old ones").isGreaterThan(deleted);
        assertThat(kv.value(kv.get(kv1, "x", ReadLevel.LINEARIZABLE)).value()).isEqualTo("2");
    }

    @Test
    void theFloorOfOneCollectedKeyDoesNotKeepAReplicaFromLearningAnother() {
        Ballot old = new Ballot(1, "kv-1"); // below every floor to come
        kv.written(kv.put(kv1, "a", "1"));
        kv.written(kv.delete(kv1, "a"));
        assertThat(kv.sim.runUntil(() -> kv.nodes.stream().noneMatch(n -> kv.store(n).replicaEntries().containsKey("a")),
                Duration.ofSeconds(3))).isTrue();
        // 'b' was chosen long ago on kv-1 and kv-2 (as anti-entropy would deliver it); kv-3 missed it
        QuorumMessages.Learn learn = new QuorumMessages.Learn(0, List.of(
                new QuorumMessages.Chosen("b", old, Versioned.ABSENT.next(old, "old", "kv-1:0:1"))));
        kv.store(kv1).onMessage(kv2, learn);
        kv.store(kv2).onMessage(kv1, learn);
        assertThat(kv.sim.runUntil(kv::converged, Duration.ofSeconds(2))).as("%s", kv.replicaData()).isTrue();
        assertThat(kv.store(kv3).replicaState("b").content().value()).isEqualTo("old");
    }

    @Test
    void aReplicaDownPastTheHorizonStillFindsTheTombstone() {
        kv.written(kv.put(kv1, "y", "1"));
        kv.sim.runFor(Duration.ofMillis(50));
        kv.sim.crash(kv3);
        kv.written(kv.delete(kv2, "y"));
        kv.sim.runFor(Duration.ofMillis(4 * HORIZON_MS));
        AcceptorState held = kv.store(kv1).replicaState("y");
        assertThat(held.content().tombstone()).isTrue();
        kv.sim.restart(kv3);
        assertThat(kv.store(kv3).replicaState("y").content().value()).as("kv-3's disk still has the value").isEqualTo("1");
        assertThat(kv.sim.runUntil(() -> kv.nodes.stream().noneMatch(n -> kv.store(n).replicaEntries().containsKey("y")),
                Duration.ofSeconds(3))).as("%s", kv.replicaData()).isTrue();
        assertThat(kv.value(kv.get(kv3, "y", ReadLevel.ONE)).found()).isFalse();
    }
}
