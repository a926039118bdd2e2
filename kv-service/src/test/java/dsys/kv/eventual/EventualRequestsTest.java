package dsys.kv.eventual;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.Derivation;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.QuorumStats;
import dsys.kv.quorum.Versioned;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client requests of an eventual keyspace, answered with the quorum mode's replies. */
class EventualRequestsTest {

    static EventualSim cluster(long seed) {
        EventualSim s = new EventualSim(seed, 3, 0, QuorumSettings.sim());
        s.sim.runFor(Duration.ofMillis(10));
        return s;
    }

    @Test
    void writesGetGrowingVersionsAndWatchersHearEachOne() {
        EventualSim s = cluster(1);
        NodeId a = s.node(1);
        KvReplies.Written v1 = s.written(s.put(a, "k", "one"));
        KvReplies.Written v2 = s.written(s.put(a, "k", "two"));
        KvReplies.Written v3 = s.written(s.delete(a, "k"));
        assertThat(v1.version().node()).isEqualTo("kv-1");
        assertThat(v2.version().isAfter(v1.version())).isTrue();
        assertThat(v3.version().isAfter(v2.version())).isTrue();
        assertThat(v3.deleted()).isTrue();
        KvReplies.Value gone = s.value(s.get(a, "k"));
        assertThat(gone.found()).isFalse();
        assertThat(gone.version()).as("deleted at this version").isEqualTo(v3.version());
        assertThat(gone.level()).isEqualTo("one");
        assertThat(s.heard.get(a)).extracting(Versioned::version).containsExactly(v1.version(), v2.version(), v3.version());
        s.sim.runFor(Duration.ofSeconds(1));
        assertThat(s.heard.get(s.node(2))).as("kv-2's watchers hear the versions it applies")
                .extracting(Versioned::version).last().isEqualTo(v3.version());
        assertThat(s.heard.get(s.node(2)).get(s.heard.get(s.node(2)).size() - 1).tombstone()).isTrue();
    }

    @Test
    void compareAndSetIsCheckedAgainstTheLocalReplicaOnly() {
        EventualSim s = cluster(2);
        NodeId a = s.node(1), b = s.node(2);
        assertThat(s.written(s.cas(a, "k", "first", Ballot.ZERO)).deleted()).isFalse();
        Ballot v1 = s.value(s.get(a, "k")).version();
        assertThat(((Rejection) s.await(s.cas(a, "k", "again", Ballot.ZERO))).status()).isEqualTo(412);
        assertThat(((Rejection) s.await(s.cas(a, "k", "x", new Ballot(v1.counter() + 5, "kv-1")))).status()).isEqualTo(412);
        s.sim.runFor(Duration.ofSeconds(1));
        // both replicas hold v1; two clients compare-and-set from it at once, at different replicas: both succeed
        KvReplies.Written wa = s.written(s.cas(a, "k", "from-a", v1));
        KvReplies.Written wb = s.written(s.cas(b, "k", "from-b", v1));
        s.sim.runFor(Duration.ofSeconds(1));
        String winner = wa.version().isAfter(wb.version()) ? "from-a" : "from-b";
        for (NodeId n : s.replicas) assertThat(s.value(s.get(n, "k")).value()).as("last writer wins at %s", n).isEqualTo(winner);
    }

    /** Conflicting writes in a partition: once it heals, every replica keeps the one of the higher (Lamport time, node). */
    @Test
    void lastWriterWinsByLamportTimeThenNode() {
        Seeds.run("last writer wins", 20, seed -> {
            EventualSim s = cluster(seed);
            s.sim.network().partition(List.of(s.node(1)), List.of(s.node(2), s.node(3)));
            KvReplies.Written w1 = s.written(s.put(s.node(1), "k", "one"));
            KvReplies.Written w2 = s.written(s.put(s.node(2), "k", "two"));
            s.sim.runFor(Duration.ofMillis(500));
            assertThat(s.value(s.get(s.node(1), "k")).value()).as("divergent while partitioned").isEqualTo("one");
            s.sim.network().heal();
            s.sim.runFor(Duration.ofSeconds(1));
            KvReplies.Written last = w1.version().isAfter(w2.version()) ? w1 : w2;
            for (NodeId n : s.replicas) assertThat(s.value(s.get(n, "k")).version()).isEqualTo(last.version());
            assertThat(s.converged()).isTrue();
        });
    }

    @Test
    void transactionsAreRefused() {
        EventualSim s = cluster(3);
        for (Object lock : List.of(new KvRequests.Lock("k", "t1", 'p', "v", null),
                new KvRequests.LockDerived("k", "t1", v -> Derivation.Derived.intent("1"), null), new KvRequests.Release("k", "t1", true))) {
            Rejection r = (Rejection) s.await(s.sim.request(s.node(1), lock));
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.detail()).contains("quorum keyspaces");
        }
    }

    @Test
    void inspectSurveyListingAndStats() {
        EventualSim s = cluster(4);
        NodeId a = s.node(1), c = s.node(3);
        s.sim.network().isolate(c);
        KvReplies.Written w = s.written(s.put(a, "p/1", "x"));
        s.written(s.put(a, "p/2", "y"));
        s.written(s.put(a, "p/3", "z"));
        s.written(s.put(a, "q/1", "other"));
        s.written(s.delete(a, "p/2"));
        KvReplies.ReplicaView view = (KvReplies.ReplicaView) s.await(s.sim.request(a, new KvRequests.Inspect("p/1")));
        assertThat(view.state().content().value()).isEqualTo("x");
        assertThat(view.state().accepted()).isEqualTo(w.version());

        KvReplies.Replicas survey = (KvReplies.Replicas) s.await(s.sim.request(a, new KvRequests.Replicas("p/1")));
        assertThat(survey.replicas()).extracting(KvReplies.ReplicaReport::answered).containsExactly(true, true, false);
        s.sim.network().heal();
        s.sim.runFor(Duration.ofSeconds(2));
        survey = (KvReplies.Replicas) s.await(s.sim.request(c, new KvRequests.Replicas("p/1")));
        assertThat(survey.replicas()).allSatisfy(r -> assertThat(r.content().version()).isEqualTo(w.version()));

        KeyPage page = (KeyPage) s.await(s.sim.request(c, new KeyPage.Request("p/", null, 1)));
        assertThat(page.keys()).extracting(KeyPage.Key::key).containsExactly("p/1");
        page = (KeyPage) s.await(s.sim.request(c, new KeyPage.Request("p/", page.next(), 10)));
        assertThat(page.keys()).as("the deleted p/2 is left out").extracting(KeyPage.Key::key).containsExactly("p/3");
        assertThat(page.next()).isNull();

        QuorumStats.View stats = (QuorumStats.View) s.await(s.sim.request(a, new KvRequests.Stats()));
        assertThat(stats.sent()).containsKeys("Rumor", "Digest", "Peek");
        assertThat(stats.counts().get("rumor.pushes")).isPositive();
        assertThat(stats.operations().get("put").operations()).isEqualTo(4);

        assertThat(((Rejection) s.await(s.get(a, ""))).status()).isEqualTo(400);
        assertThat(((Rejection) s.await(s.sim.request(a, new KeyPage.Request("", null, 0)))).status()).isEqualTo(400);
    }
}
