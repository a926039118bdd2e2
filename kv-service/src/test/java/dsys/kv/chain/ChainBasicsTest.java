package dsys.kv.chain;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumStats;
import dsys.kv.quorum.ReadLevel;
import dsys.kv.quorum.Versioned;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The client requests of a chain keyspace, answered through any node, on a healthy network. */
class ChainBasicsTest {

    @Test
    void putsGetsCompareAndSetAndDeletesThroughAnyNode() {
        ChainSim c = ChainSim.of(1, 3);
        var kv = c.kv;
        NodeId kv1 = c.node(1), kv2 = c.node(2), kv3 = c.node(3);
        KvReplies.Written a = kv.written(kv.put(kv2, "k", "one"));
        KvReplies.Value v = kv.value(kv.get(kv1, "k", ReadLevel.LINEARIZABLE));
        assertThat(v.value()).isEqualTo("one");
        assertThat(v.version()).isEqualTo(a.version());
        KvReplies.Written b = kv.written(kv.cas(kv3, "k", "two", a.version()));
        assertThat(b.version()).isGreaterThan(a.version()); // versions grow per key: ETags work
        Object stale = kv.await(kv.cas(kv1, "k", "three", a.version()), Duration.ofSeconds(2));
        assertThat(stale).isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(412));
        Object absentOnly = kv.await(kv.cas(kv1, "k", "x", Ballot.ZERO), Duration.ofSeconds(2));
        assertThat(absentOnly).isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(412));
        KvReplies.Written d = kv.written(kv.delete(kv2, "k"));
        assertThat(d.deleted()).isTrue();
        KvReplies.Value gone = kv.value(kv.get(kv3, "k", ReadLevel.LINEARIZABLE));
        assertThat(gone.found()).isFalse();
        assertThat(gone.version()).isEqualTo(d.version());
        KvReplies.Written again = kv.written(kv.cas(kv3, "k", "four", Ballot.ZERO));
        assertThat(again.version()).isGreaterThan(d.version());
        // a death certificate is kept on every replica
        kv.written(kv.delete(kv1, "gone"));
        kv.sim.runFor(Duration.ofMillis(100));
        for (NodeId n : kv.nodes) assertThat(c.store(n).tombstones()).isEqualTo(1);
        assertThat(c.acksChecked).isPositive();
    }

    @Test
    void writesAreAtEveryMemberAndReadOneIsLocal() {
        ChainSim c = ChainSim.of(2, 3);
        var kv = c.kv;
        for (int i = 0; i < 10; i++) kv.written(kv.put(c.node(1 + i % 3), "k" + i, "v" + i));
        for (NodeId n : kv.nodes) {
            assertThat(c.store(n).holds("k9")).isTrue();
            KvReplies.Value one = kv.value(kv.get(n, "k9", ReadLevel.ONE));
            assertThat(one.value()).isEqualTo("v9");
            assertThat(one.level()).isEqualTo("one");
        }
    }

    @Test
    void transactionsAreRefusedAndInspectionsListingsAndStatsAnswer() {
        ChainSim c = ChainSim.of(3, 3);
        var kv = c.kv;
        for (int i = 0; i < 5; i++) kv.written(kv.put(c.node(1), "p/" + i, "v" + i));
        kv.written(kv.delete(c.node(1), "p/2"));
        Object lock = kv.await(kv.sim.request(c.node(2), new KvRequests.Lock("p/1", "t1", 'p', "x", null)), Duration.ofSeconds(1));
        assertThat(lock).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.detail()).contains("quorum keyspaces");
        });
        Object release = kv.await(kv.sim.request(c.node(2), new KvRequests.Release("p/1", "t1", true)), Duration.ofSeconds(1));
        assertThat(release).isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(400));

        KvReplies.ReplicaView view = (KvReplies.ReplicaView) kv.await(kv.sim.request(c.node(3), new KvRequests.Inspect("p/1")), Duration.ofSeconds(1));
        assertThat(view.state().content().value()).isEqualTo("v1");

        KvReplies.Replicas all = (KvReplies.Replicas) kv.await(kv.sim.request(c.node(1), new KvRequests.Replicas("p/1")), Duration.ofSeconds(1));
        assertThat(all.replicas()).hasSize(3).allSatisfy(r -> {
            assertThat(r.answered()).isTrue();
            assertThat(r.content().value()).isEqualTo("v1");
        });

        KeyPage page = (KeyPage) kv.await(kv.sim.request(c.node(2), new KeyPage.Request("p/", null, 2)), Duration.ofSeconds(1));
        assertThat(page.keys()).extracting(KeyPage.Key::key).containsExactly("p/0", "p/1");
        KeyPage rest = (KeyPage) kv.await(kv.sim.request(c.node(2), new KeyPage.Request("p/", page.next(), 10)), Duration.ofSeconds(1));
        assertThat(rest.keys()).extracting(KeyPage.Key::key).containsExactly("p/3", "p/4"); // p/2 is deleted
        assertThat(rest.next()).isNull();

        Object bad = kv.await(kv.sim.request(c.node(1), new KvRequests.Put("", "x", null)), Duration.ofSeconds(1));
        assertThat(bad).isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(400));

        QuorumStats.View stats = (QuorumStats.View) kv.await(kv.sim.request(c.node(1), new KvRequests.Stats()), Duration.ofSeconds(1));
        assertThat(stats.operations()).containsKey("put");
        assertThat(stats.sent()).containsKeys("Beat", "Update", "Grant"); // kv-1 is the head: it passes writes down, grants the tail leases
    }

    @Test
    void watchersOnEveryNodeHearEachAcknowledgedVersion() {
        java.util.Map<String, List<String>> heard = new java.util.TreeMap<>();
        var kv = new dsys.kv.sim.KvSim(4, 3, ns -> dsys.kv.quorum.KeyspaceConfig.majority("chain", ns),
                dsys.kv.quorum.QuorumSettings.sim(), (env, config, settings, l) -> new ChainStore(env, config, settings,
                (k, v) -> heard.computeIfAbsent(env.self().value(), n -> new ArrayList<>()).add(k + "=" + v.value())));
        kv.written(kv.put(kv.node(1), "w", "a"));
        kv.written(kv.put(kv.node(2), "w", "b"));
        kv.sim.runFor(Duration.ofMillis(50));
        assertThat(heard).containsOnlyKeys("kv-1", "kv-2", "kv-3")
                .allSatisfy((node, versions) -> assertThat(versions).as(node).containsExactly("w=a", "w=b"));
    }

    @Test
    void aWriteRetriedAfterItsAnswerWasLostIsAppliedOnce() {
        ChainSim c = ChainSim.of(5, 3);
        var kv = c.kv;
        // kv-3 forwards to the head kv-1; the head's WriteDone answers are lost for a while, so kv-3 sends again
        kv.sim.network().block(c.node(1), c.node(3));
        SimRequest r = kv.put(c.node(3), "once", "v");
        kv.sim.runFor(Duration.ofMillis(120));
        kv.sim.network().heal();
        KvReplies.Written w = kv.written(r);
        Versioned stored = c.store(c.node(1)).entries().get("once");
        assertThat(stored.writes()).hasSize(1);
        assertThat(stored.version()).isEqualTo(w.version());
    }
}
