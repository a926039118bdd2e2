package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumMessages;
import dsys.kv.quorum.QuorumStore;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A linearizable read whose write-back meets a higher promise becomes a full CASPaxos round under the same
 * operation, with the same retries: here its first prepare to the only other live replica is lost.
 */
class ReadFallbackTest {

    @Test
    void aRefusedWriteBackBecomesARoundThatRetriesUntilAQuorumAnswers() {
        KvSim kv = KvSim.majority(7, 3);
        NodeId kv1 = kv.node(1), kv2 = kv.node(2), kv3 = kv.node(3);
        kv.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(1));
        // '1' is accepted by kv-1 and kv-2 only, and nobody learns it was chosen.
        kv.sim.network().partition(List.of(kv1, kv2), List.of(kv3));
        kv.sim.armCrashPoint(kv1, QuorumStore.CRASH_BEFORE_COMMIT);
        kv.put(kv1, "x", "1");
        kv.sim.runFor(Duration.ofMillis(10));
        kv.sim.network().heal();
        kv.sim.restart(kv1);
        kv.sim.crash(kv2);
        // kv-3 promised a higher ballot to a proposer that vanished.
        kv.store(kv3).onMessage(kv2, new QuorumMessages.Prepare("ghost", "x", new Ballot(1_000_000, "kv-2")));
        kv.sim.runFor(Duration.ofMillis(5));

        long t0 = kv.sim.now();
        var read = kv.get(kv3, "x", ReadLevel.LINEARIZABLE);
        kv.sim.at(Duration.ofNanos(t0 + 2_500_000), () -> kv.sim.network().block(kv3, kv1));
        kv.sim.at(Duration.ofNanos(t0 + 40_000_000), () -> kv.sim.network().heal());
        Object answer = kv.await(read, Duration.ofSeconds(1));

        assertThat(answer).isInstanceOfSatisfying(KvReplies.Value.class, v -> assertThat(v.value()).isEqualTo("1"));
        assertThat(kv.sim.events()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo("kv.retry");
            assertThat(e.fields()).containsEntry("phase", "write-back");
        });
        assertThat(read.completedAt() - t0).as("answered after a retransmission, before the deadline")
                .isBetween(40_000_000L, 100_000_000L);
    }
}
