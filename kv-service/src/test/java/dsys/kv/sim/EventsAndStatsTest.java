package dsys.kv.sim;

import dsys.core.event.Event;
import dsys.core.node.NodeId;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumStats;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Every protocol step is an event, and each node counts what its operations cost for the stats endpoint. */
class EventsAndStatsTest {

    private final KvSim kv = KvSim.majority(2, 3);
    private final NodeId kv1 = kv.node(1), kv2 = kv.node(2);

    private List<String> kinds() {
        return kv.sim.events().stream().map(Event::kind).filter(k -> k.startsWith("kv.") && !k.equals("kv.antientropy")).toList();
    }

    @Test
    void aWriteGathersTwoQuorumsAndChoosesAVersion() {
        KvReplies.Written w = kv.written(kv.put(kv1, "x", "1"));
        assertThat(kinds()).containsSubsequence("kv.gather", "kv.gather", "kv.version.chosen");
        Event chosen = kv.sim.events().stream().filter(e -> e.kind().equals("kv.version.chosen")).findFirst().orElseThrow();
        assertThat(chosen.fields()).containsEntry("key", "x").containsEntry("version", w.version().toString());
        assertThat(kv.sim.events()).filteredOn(e -> e.kind().equals("kv.gather"))
                .extracting(e -> e.fields().get("phase")).containsExactly("prepare", "accept");
        assertThat(w.messages()).containsKeys("Prepare", "Promise", "Accept", "Accepted", "Commit");
        assertThat(chosen.fields()).containsEntry("after", "0.").containsEntry("lock", "");
    }

    /** Each chosen state names the one it was built on, so a key's chain can be followed (and a broken link seen). */
    @Test
    void aChosenVersionNamesTheStateItWasBuiltOn() {
        KvReplies.Written first = kv.written(kv.put(kv1, "x", "1"));
        KvReplies.Written second = kv.written(kv.put(kv2, "x", "2"));
        List<Event> chosen = kv.sim.events().stream().filter(e -> e.kind().equals("kv.version.chosen")).toList();
        assertThat(chosen).hasSize(2);
        assertThat(chosen.get(1).fields()).containsEntry("after", first.version().toString())
                .containsEntry("version", second.version().toString());
    }

    @Test
    void aDeleteWritesATombstoneEvent() {
        kv.written(kv.put(kv1, "x", "1"));
        kv.written(kv.delete(kv2, "x"));
        assertThat(kinds()).contains("kv.tombstone");
    }

    @Test
    void concurrentWritersRetryWithHigherBallots() {
        for (int i = 0; i < 5; i++) {
            kv.put(kv1, "x", "a" + i);
            kv.put(kv2, "x", "b" + i);
        }
        kv.sim.runFor(Duration.ofMillis(600));
        assertThat(kinds()).contains("kv.retry");
    }

    @Test
    void eachNodeCountsItsOperationsAndTheirMessages() {
        kv.written(kv.put(kv1, "x", "1"));
        kv.value(kv.get(kv1, "x", ReadLevel.LINEARIZABLE));
        kv.value(kv.get(kv1, "x", ReadLevel.ONE));
        Object view = kv.await(kv.sim.request(kv1, new KvRequests.Stats()), Duration.ofSeconds(1));
        assertThat(view).isInstanceOfSatisfying(QuorumStats.View.class, v -> {
            assertThat(v.operations().get("put").operations()).isEqualTo(1);
            assertThat(v.operations().get("put").perOperation()).isBetween(7.0, 15.0);
            assertThat(v.operations().get("read-linearizable").operations()).isEqualTo(1);
            assertThat(v.operations().get("read-one").messages()).isZero();
            assertThat(v.sent()).containsKeys("Prepare", "Accept", "Commit", "Read");
        });
        Object inspected = kv.await(kv.sim.request(kv2, new KvRequests.Inspect("x")), Duration.ofSeconds(1));
        assertThat(inspected).isInstanceOfSatisfying(KvReplies.ReplicaView.class,
                r -> assertThat(r.state().content().value()).isEqualTo("1"));
    }
}
