package dsys.kv.active;

import dsys.core.env.Rejection;
import dsys.core.event.Event;
import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.ReadLevel;
import dsys.kv.sim.KvSim;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The log-sequenced active keyspace's requests, a replica's replay after being down, repeats, and the log down. */
class LogSequencerBasicsTest {

    private static ActiveSim sim(SimPartition log) {
        return new ActiveSim(1, 4, 3, QuorumSettings.sim(), log);
    }

    @Test
    void aNodeWithoutAReplicaForwardsEveryRequest() {
        ActiveBasicsTest.forwardsEveryRequest(sim(new SimPartition(1)));
    }

    /**
     * Unlike Lamport's multicast, the others go on while a replica is down; back, it reads on from the offset after
     * the last it applied, applies what it missed and nothing twice, and holds what the others hold.
     */
    @Test
    void aReplicaThatWasDownReplaysFromItsOffsetAndConverges() {
        SimPartition log = new SimPartition(1);
        ActiveSim s = sim(log);
        for (int i = 0; i < 5; i++) s.kv.written(s.kv.put(s.node(1), "k" + i % 2, "before" + i));
        s.kv.sim.runFor(Duration.ofMillis(50));
        NodeId kv3 = s.node(3);
        s.kv.sim.crash(kv3);
        for (int i = 0; i < 10; i++) {
            assertThat(s.kv.await(s.kv.put(s.node(1 + i % 2), "k" + i % 3, "during" + i), Duration.ofSeconds(1)))
                    .as("writes go on while kv-3 is down").isInstanceOf(KvReplies.Written.class);
        }
        s.kv.sim.restartProcess(kv3);
        s.kv.sim.runFor(Duration.ofMillis(200));
        List<Event> replays = s.kv.sim.events().stream()
                .filter(e -> e.node().equals(kv3.value()) && e.kind().equals("kv.active.seq.replay")).toList();
        assertThat(replays).as("kv-3 replayed twice: at its first start and after the restart").hasSize(2);
        assertThat(((Number) replays.get(1).fields().get("from")).longValue()).isEqualTo(5);
        assertThat(((Number) replays.get(1).fields().get("count")).longValue()).isEqualTo(10);
        assertThat(s.ops.get(kv3)).as("kv-3 applied each write once").hasSize(15);
        assertThat(s.converged()).as("kv-3 holds what the others hold").isTrue();
        assertThat(s.kv.value(s.kv.get(kv3, "k2", ReadLevel.ONE)).value()).isEqualTo("during8");
    }

    /**
     * Every record appended twice: the repeat of a compare-and-set that won would now fail its If-Match; it is
     * answered with the first outcome and applies nothing.
     */
    @Test
    void aRecordAppendedTwiceIsAppliedOnce() {
        SimPartition log = new SimPartition(1);
        log.duplicate = 1;
        ActiveSim s = sim(log);
        KvReplies.Written first = s.kv.written(s.kv.put(s.node(1), "k", "a"));
        KvReplies.Written cas = s.kv.written(s.kv.cas(s.node(2), "k", "b", first.version()));
        s.kv.sim.runFor(Duration.ofMillis(100));
        assertThat(log.records).as("each write appended twice").hasSize(4);
        for (NodeId n : s.replicas) {
            assertThat(s.ops.get(n)).as("%s applied two operations", n).hasSize(2);
            assertThat(s.data(n).get("k").value()).isEqualTo("b");
            assertThat(s.data(n).get("k").version()).isEqualTo(cas.version());
        }
        assertThat(s.kv.sim.events().stream().filter(e -> e.kind().equals("kv.active.seq.duplicate")))
                .as("each replica skipped both repeats").hasSize(6);
    }

    /** The log down: a write is refused at once with a 503 that says so (nothing applied); reads go on locally. */
    @Test
    void whileTheLogIsDownWritesAre503AndReadsGoOn() {
        SimPartition log = new SimPartition(1);
        ActiveSim s = sim(log);
        s.kv.written(s.kv.put(s.node(1), "k", "old"));
        s.kv.sim.runFor(Duration.ofMillis(50));
        log.down = true;
        for (NodeId n : List.of(s.node(1), s.node(4))) { // at a replica, and forwarded
            SimRequest put = s.kv.put(n, "k", "new");
            Rejection r = (Rejection) s.kv.await(put, Duration.ofSeconds(1));
            assertThat(r.status()).as("%s", r).isEqualTo(503);
            assertThat(r.type()).isEqualTo("sequencer-unavailable");
            assertThat(r.detail()).contains("partition is down", "nothing was applied");
            assertThat(put.completedAt() - put.invokedAt()).as("refused without waiting for a deadline")
                    .isLessThan(Duration.ofMillis(200).toNanos());
        }
        assertThat(s.kv.value(s.kv.get(s.node(2), "k", ReadLevel.ONE)).value()).isEqualTo("old");
        log.down = false;
        s.kv.written(s.kv.put(s.node(1), "k", "new"));
        assertThat(log.records).hasSize(2);
    }

    /** A keyspace sequenced by Kafka on a node whose env offers no log (Kafka off): a 503 that says why. */
    @Test
    void withoutALogWritesAre503NamingKafka() {
        KvSim kv = new KvSim(1, 3, ns -> KeyspaceConfig.majority("act", ns).withMode("active").withVariant(ActiveStore.KAFKA),
                QuorumSettings.sim(), ActiveStore::new);
        Rejection r = (Rejection) kv.await(kv.put(kv.node(1), "k", "v"), Duration.ofSeconds(1));
        assertThat(r.status()).as("%s", r).isEqualTo(503);
        assertThat(r.detail()).contains("Kafka is off");
    }
}
