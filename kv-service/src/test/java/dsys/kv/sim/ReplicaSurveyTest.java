package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replicas survey (GET /{keyspace}/{key}/replicas): it reports each replica as it is, changes nothing, gets
 * through lost and duplicated messages by asking again, names a replica that does not answer, and never takes a
 * coordinator's answers (nor gives its own to a coordinator) while writes of the same key run.
 */
class ReplicaSurveyTest {

    private static KvReplies.Replicas survey(KvSim kv, NodeId at, String key) {
        Object o = kv.await(kv.sim.request(at, new KvRequests.Replicas(key)), Duration.ofSeconds(2));
        assertThat(o).as("seed %d", kv.sim.seed()).isInstanceOf(KvReplies.Replicas.class);
        return (KvReplies.Replicas) o;
    }

    @Test
    void underLossAndDuplicationEveryReplicaIsReportedAsItIsAndNothingChanges() {
        for (long seed = 1; seed <= 60; seed++) {
            KvSim kv = KvSim.majority(seed, 3);
            kv.written(kv.put(kv.node(1), "k", "v1"));
            kv.sim.network().loss(0.3).duplicate(0.2);
            kv.sim.runFor(Duration.ofMillis(50));
            List<AcceptorState> before = states(kv, "k");
            SortedMap<String, AcceptorState> allBefore = kv.store(kv.node(2)).replicaEntries();
            KvReplies.Replicas r = survey(kv, kv.node((int) (seed % 3) + 1), "k");
            assertThat(r.replicas()).extracting(KvReplies.ReplicaReport::node).containsExactly("kv-1", "kv-2", "kv-3");
            for (int i = 0; i < 3; i++) {
                KvReplies.ReplicaReport p = r.replicas().get(i);
                assertThat(p.answered()).as("seed %d %s", seed, p.node()).isTrue();
                assertThat(p.content()).isEqualTo(before.get(i).content());
                assertThat(p.accepted()).isEqualTo(before.get(i).accepted());
                assertThat(p.chosen()).isEqualTo(before.get(i).committed());
            }
            assertThat(states(kv, "k")).as("a survey changes no replica").isEqualTo(before);
            assertThat(kv.store(kv.node(2)).replicaEntries()).isEqualTo(allBefore);
        }
    }

    @Test
    void aReplicaThatDoesNotAnswerIsNamedAtTheDeadline() {
        KvSim kv = KvSim.majority(7, 3);
        kv.written(kv.put(kv.node(1), "k", "v1"));
        kv.sim.crash(kv.node(3));
        long start = kv.sim.now();
        KvReplies.Replicas r = survey(kv, kv.node(1), "k");
        assertThat(kv.sim.now() - start).isGreaterThanOrEqualTo(QuorumSettings.sim().deadlineMs() * 1_000_000L);
        assertThat(r.replicas().get(2).answered()).isFalse();
        assertThat(r.replicas().get(2).content()).isNull();
        assertThat(r.replicas().get(0).content().value()).isEqualTo("v1");
        assertThat(r.messages().get("Read")).isGreaterThan(2); // kv-3 was asked again every retry
    }

    @Test
    void aNodeWithoutAReplicaSurveysTheReplicasOnly() {
        KvSim kv = new KvSim(3, 4, ns -> KeyspaceConfig.majority("default", ns.subList(0, 3)), QuorumSettings.sim());
        kv.written(kv.put(kv.node(4), "k", "v1"));
        KvReplies.Replicas r = survey(kv, kv.node(4), "k");
        assertThat(r.replicas()).extracting(KvReplies.ReplicaReport::node).containsExactly("kv-1", "kv-2", "kv-3");
        assertThat(r.replicas()).allSatisfy(p -> assertThat(p.content().value()).isEqualTo("v1"));
        assertThat(r.messages()).containsEntry("Read", 3).containsEntry("ReadReply", 3);
    }

    @Test
    void surveysDuringWritesOfTheSameKeyLeaveTheWritesAlone() {
        for (long seed = 1; seed <= 40; seed++) {
            KvSim kv = KvSim.majority(seed, 3);
            kv.sim.network().duplicate(0.1);
            List<SimRequest> writes = new ArrayList<>(), surveys = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                writes.add(kv.put(kv.node(i % 3 + 1), "k", "v" + i));
                surveys.add(kv.sim.request(kv.node((i + 1) % 3 + 1), new KvRequests.Replicas("k")));
            }
            kv.sim.runFor(Duration.ofSeconds(2));
            for (SimRequest w : writes) {
                assertThat(w.finished()).as("seed %d", seed).isTrue();
                assertThat(w.result()).as("seed %d", seed).isInstanceOf(KvReplies.Written.class);
            }
            for (SimRequest s : surveys) assertThat(s.result()).as("seed %d", seed).isInstanceOf(KvReplies.Replicas.class);
            KvReplies.Value last = kv.value(kv.get(kv.node(1), "k", ReadLevel.LINEARIZABLE));
            assertThat(last.value()).startsWith("v");
        }
    }

    private static List<AcceptorState> states(KvSim kv, String key) {
        return kv.config.replicas().stream().map(n -> kv.store(n).replicaState(key)).toList();
    }
}
