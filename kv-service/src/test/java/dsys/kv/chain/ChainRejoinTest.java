package dsys.kv.chain;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Reconfiguration by hand: a removed node comes back at the tail; a partitioned tail stops answering reads. */
class ChainRejoinTest {

    @ParameterizedTest
    @EnumSource(ChainFailoverTest.Victim.class)
    void aRestartedNodeRejoinsAtTheTailAndServesCurrentReads(ChainFailoverTest.Victim victim) {
        ChainSim c = ChainSim.of(7 + victim.ordinal(), 3);
        var kv = c.kv;
        for (int i = 0; i < 30; i++) kv.written(kv.put(c.node(1 + i % 3), "k" + i, "v" + i));
        View v = c.view(c.node(1));
        NodeId gone = NodeId.of(switch (victim) {
            case HEAD -> v.head();
            case MIDDLE -> v.chain().get(1);
            case TAIL -> v.tail();
        });
        kv.sim.crash(gone);
        NodeId other = kv.nodes.stream().filter(n -> !n.equals(gone)).findFirst().orElseThrow();
        for (int i = 0; i < 30; i++) kv.written(kv.put(other, "k" + i, "w" + i)); // served by the shorter chain
        kv.written(kv.delete(other, "k0"));
        View shorter = c.view(other);
        assertThat(shorter.has(gone.value())).isFalse();
        kv.sim.restart(gone);
        boolean back = kv.sim.runUntil(() -> c.view(gone).tail().equals(gone.value()) && c.store(gone).servingReads(),
                Duration.ofSeconds(3));
        assertThat(back).as("%s rejoined at the tail and serves reads: its view %s", gone, c.view(gone)).isTrue();
        assertThat(c.view(gone).chain()).hasSize(3);
        assertThat(c.store(gone).entries()).isEqualTo(c.store(NodeId.of(c.view(gone).head())).entries());
        kv.written(kv.put(other, "k1", "latest"));
        KvReplies.Value r = kv.value(kv.get(gone, "k1", ReadLevel.LINEARIZABLE));
        assertThat(r.value()).isEqualTo("latest");
        assertThat(r.messages()).as("answered by the rejoined tail itself").isEmpty();
        assertThat(kv.value(kv.get(gone, "k0", ReadLevel.LINEARIZABLE)).found()).isFalse();
        assertThat(kv.sim.events().stream().filter(e -> e.kind().equals("kv.chain.copy.done")).count()).isEqualTo(1);
    }

    @Test
    void aTailCutOffFromTheMajorityStopsAnsweringReadsBeforeANewTailStarts() {
        ChainSim c = ChainSim.of(11, 3);
        var kv = c.kv;
        NodeId kv1 = c.node(1), kv2 = c.node(2), kv3 = c.node(3);
        kv.written(kv.put(kv1, "x", "old"));
        assertThat(c.view(kv1).tail()).isEqualTo("kv-3");
        kv.sim.network().partition(List.of(kv1, kv2), List.of(kv3));
        // the majority side forms [kv-1, kv-2] and acknowledges a new value
        KvReplies.Written w = (KvReplies.Written) kv.await(kv.put(kv1, "x", "new"), Duration.ofSeconds(2));
        assertThat(c.view(kv1).chain()).containsExactly("kv-1", "kv-2");
        assertThat(c.store(kv3).servingReads()).as("the old tail's lease ran out").isFalse();
        // a read at the old tail never returns the old value: it cannot be answered there
        Object r = kv.await(kv.get(kv3, "x", ReadLevel.LINEARIZABLE), Duration.ofSeconds(2));
        assertThat(r).isInstanceOfSatisfying(Rejection.class, x -> assertThat(x.status()).isEqualTo(503));
        assertThat(kv.value(kv.get(kv2, "x", ReadLevel.LINEARIZABLE)).version()).isEqualTo(w.version());
        kv.sim.network().heal();
        assertThat(kv.sim.runUntil(c::converged, Duration.ofSeconds(3))).as("kv-3 rejoined").isTrue();
        assertThat(kv.value(kv.get(kv3, "x", ReadLevel.LINEARIZABLE)).value()).isEqualTo("new");
    }

    /**
     * The read lease at work: the tail stops (a long pause: a GC, a frozen VM) with a read queued; the others form a
     * view without it — after its lease has run out — and acknowledge a new value; when the old tail wakes up and
     * takes the queued read first, its lease is over and it must not answer it from its old copy.
     */
    @Test
    void aTailThatWakesFromAPauseDoesNotAnswerFromItsOldCopy() {
        for (long seed = 1; seed <= 5; seed++) {
            ChainSim c = ChainSim.of(seed, 3);
            var kv = c.kv;
            NodeId kv1 = c.node(1), kv3 = c.node(3);
            kv.written(kv.put(kv1, "x", "old"));
            kv.sim.runFor(Duration.ofMillis(100));
            assertThat(c.store(kv3).servingReads()).isTrue();
            kv.sim.pause(kv3, Duration.ofMillis(600));
            var read = kv.get(kv3, "x", ReadLevel.LINEARIZABLE); // taken when kv-3 wakes, before anything else
            KvReplies.Written w = kv.written(kv.put(kv1, "x", "new"));
            assertThat(c.view(kv1).has("kv-3")).isFalse();
            Object r = kv.await(read, Duration.ofSeconds(2));
            if (r instanceof KvReplies.Value v) assertThat(v.version()).as("seed %d", seed).isEqualTo(w.version());
            else assertThat(r).isInstanceOfSatisfying(Rejection.class, x -> assertThat(x.status()).isEqualTo(503));
        }
    }

    /**
     * The proposer waits out the old tail's lease: kv-1 and kv-3 (head and tail) lose each other while both still
     * reach kv-2, so kv-3 keeps its lease through kv-2's grants until kv-2 promises the next view. As soon as the
     * new view [kv-1, kv-2] is decided it acknowledges a new value; reads sent to kv-3 every 5 ms never return the old
     * one once it has.
     */
    @Test
    void aNewViewWaitsUntilTheOldTailsLeaseHasRunOut() {
        for (long seed = 1; seed <= 12; seed++) {
            ChainSim c = ChainSim.of(seed, 3);
            var kv = c.kv;
            NodeId kv1 = c.node(1), kv3 = c.node(3);
            kv.written(kv.put(kv1, "x", "old"));
            kv.sim.runFor(Duration.ofMillis(100));
            kv.sim.network().block(kv1, kv3).block(kv3, kv1);
            assertThat(kv.sim.runUntil(() -> c.view(kv1).epoch() >= 1, Duration.ofSeconds(1))).isTrue();
            List<dsys.core.sim.SimRequest> reads = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                kv.sim.at(Duration.ofNanos(kv.sim.now() + i * 5_000_000L), () -> reads.add(kv.get(kv3, "x", ReadLevel.LINEARIZABLE)));
            }
            var write = kv.put(kv1, "x", "new");
            KvReplies.Written w = kv.written(write);
            kv.sim.runFor(Duration.ofMillis(600));
            long staleAfterAck = reads.stream().filter(r -> r.invokedAt() > write.completedAt() && r.done()
                    && r.result() instanceof KvReplies.Value v && !v.version().equals(w.version())).count();
            assertThat(staleAfterAck).as("seed %d: reads at the old tail that missed an acknowledged write", seed).isZero();
            assertThat(c.view(kv1).has("kv-3")).isFalse();
        }
    }
}
