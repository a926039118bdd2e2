package dsys.kv.active;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.Derivation;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The requests of an active keyspace, at a replica and at a node without one (kv-4), and the mode's limits. */
class ActiveBasicsTest {

    @Test
    void aNodeWithoutAReplicaForwardsEveryRequest() {
        forwardsEveryRequest(new ActiveSim(1, 4, 3, QuorumSettings.sim()));
    }

    /** Every request at kv-4 (no replica) answered as at a replica: put, get, list, If-Match, delete, inspect, /replicas. */
    static void forwardsEveryRequest(ActiveSim s) {
        NodeId kv4 = s.node(4);
        KvReplies.Written w = s.kv.written(s.kv.put(kv4, "p/a", "1"));
        s.kv.written(s.kv.put(kv4, "p/b", "22"));
        assertThat(s.kv.value(s.kv.get(kv4, "p/a", null)).value()).isEqualTo("1");
        Object page = s.kv.await(s.kv.sim.request(kv4, new KeyPage.Request("p/", null, 10)), Duration.ofSeconds(2));
        assertThat(((KeyPage) page).keys()).extracting(KeyPage.Key::key).containsExactly("p/a", "p/b");
        Object cas = s.kv.await(s.kv.cas(kv4, "p/a", "x", new Ballot(1, "kv-9")), Duration.ofSeconds(2));
        assertThat(((Rejection) cas).status()).as("a stale If-Match, forwarded: %s", cas).isEqualTo(412);
        KvReplies.Written d = s.kv.written(s.kv.sim.request(kv4, new KvRequests.Delete("p/a", w.version())));
        assertThat(d.deleted()).isTrue();
        assertThat(d.version().isAfter(w.version())).as("versions grow along the order").isTrue();
        s.kv.sim.runFor(Duration.ofMillis(100));
        for (NodeId n : s.replicas) assertThat(s.kv.value(s.kv.get(n, "p/a", ReadLevel.ONE)).found()).isFalse();

        Object inspect = s.kv.await(s.kv.sim.request(kv4, new KvRequests.Inspect("p/b")), Duration.ofSeconds(1));
        assertThat(((KvReplies.ReplicaView) inspect).state()).as("kv-4 holds no replica").isNull();
        Object replicas = s.kv.await(s.kv.sim.request(kv4, new KvRequests.Replicas("p/b")), Duration.ofSeconds(2));
        assertThat(((KvReplies.Replicas) replicas).replicas()).hasSize(3).allSatisfy(r -> {
            assertThat(r.answered()).isTrue();
            assertThat(r.content().value()).isEqualTo("22");
        });
    }

    @Test
    void transactionsAreRefused() {
        ActiveSim s = new ActiveSim(1, 3, 3, QuorumSettings.sim());
        for (Object r : new Object[]{new KvRequests.Lock("k", "t1", 'p', "v", null),
                new KvRequests.LockDerived("k", "t1", v -> Derivation.Derived.intent("1"), null), new KvRequests.Release("k", "t1", true)}) {
            Rejection x = (Rejection) s.kv.await(s.kv.sim.request(s.node(1), r), Duration.ofSeconds(1));
            assertThat(x.status()).isEqualTo(400);
            assertThat(x.detail()).contains("transactions", "quorum keyspaces");
        }
    }

    /** Lamport's algorithm needs every replica's acknowledgement: with one down, writes time out, then go through. */
    @Test
    void whileAReplicaIsDownNobodyDeliversThenTheWriteIsApplied() {
        ActiveSim s = new ActiveSim(1, 3, 3, QuorumSettings.sim());
        s.kv.written(s.kv.put(s.node(1), "k", "old"));
        s.kv.sim.runFor(Duration.ofMillis(100));
        s.kv.sim.crash(s.node(3));
        Object r = s.kv.await(s.kv.put(s.node(1), "k", "new"), Duration.ofSeconds(2));
        assertThat(((Rejection) r).status()).as("%s", r).isEqualTo(504);
        assertThat(s.kv.value(s.kv.get(s.node(2), "k", ReadLevel.ONE)).value()).isEqualTo("old");
        s.kv.sim.restart(s.node(3));
        s.kv.sim.runFor(Duration.ofMillis(500));
        for (NodeId n : s.replicas) {
            assertThat(s.kv.value(s.kv.get(n, "k", ReadLevel.ONE)).value()).as("at %s", n).isEqualTo("new");
        }
    }

    /** Under heavy loss a forwarded write goes again and again; each is applied once and answered with its version. */
    @Test
    void repeatedForwardedWritesApplyOnce() {
        long[] sent = {0};
        Seeds.run("active forwarding under loss", 10, seed -> {
            ActiveSim s = new ActiveSim(seed, 4, 3, QuorumSettings.sim().withDeadlineMs(2000));
            s.kv.sim.network().delay(Duration.ofMillis(5), Duration.ofMillis(30)).loss(0.3).duplicate(0.1);
            Map<String, SimRequest> writes = new HashMap<>();
            for (int i = 0; i < 10; i++) writes.put("v" + i, s.kv.put(s.node(4), "k" + (i % 3), "v" + i));
            s.kv.sim.runUntil(() -> writes.values().stream().allMatch(SimRequest::finished), Duration.ofSeconds(5));
            s.kv.sim.network().loss(0).duplicate(0);
            s.kv.sim.runFor(Duration.ofMillis(1000));
            sent[0] += ((ActiveStore) s.kv.sim.core(s.node(4))).stats().sent().getOrDefault("ForwardWrite", 0L);
            Map<String, Set<String>> versions = new HashMap<>();
            for (String e : s.ops.get(s.node(1))) {
                String[] f = e.split("->");
                versions.computeIfAbsent(f[0], o -> new HashSet<>()).add(f[1]);
            }
            assertThat(versions).as("operations in the order").hasSize(10);
            versions.values().forEach(v -> assertThat(v).hasSize(1));
            for (SimRequest r : writes.values()) {
                if (r.result() instanceof KvReplies.Written w) {
                    assertThat(s.applied.get(s.node(1))).anyMatch(e -> e.endsWith("->" + w.version()));
                }
            }
        });
        if (System.getProperty("dsys.seed") == null) assertThat(sent[0]).as("forwarded writes sent again").isGreaterThan(100);
    }

    /**
     * The replica a forwarded write went to crashes right after multicasting it and comes back: the forwarder's
     * repeat is multicast again, and the second copy, found among the key's recent writes where it is delivered,
     * changes nothing and is answered with the first one's version.
     */
    @Test
    void aWriteMulticastTwiceAfterACrashIsAppliedOnce() {
        ActiveSim s = new ActiveSim(1, 4, 3, QuorumSettings.sim().withDeadlineMs(3000));
        NodeId[] target = {null};
        boolean[] crashed = {false};
        s.kv.onSend((from, to, m) -> {
            if (m instanceof dsys.kv.mode.Forwarding.ForwardWrite && target[0] == null) target[0] = to;
            if (m instanceof dsys.core.multicast.MulticastMessages.Data d && from.equals(target[0])
                    && d.payload().startsWith("M|") && !crashed[0]) {
                crashed[0] = true;
                s.kv.sim.at(Duration.ofNanos(s.kv.sim.now() + 1_000_000), () -> s.kv.sim.crash(from));
                s.kv.sim.at(Duration.ofNanos(s.kv.sim.now() + 200_000_000), () -> s.kv.sim.restart(from));
            }
        });
        KvReplies.Written w = (KvReplies.Written) s.kv.await(s.kv.put(s.node(4), "k", "v"), Duration.ofSeconds(4));
        s.kv.sim.runFor(Duration.ofMillis(300));
        for (NodeId n : s.replicas) {
            assertThat(s.ops.get(n)).as("%s applied the operation twice, changing the key once", n)
                    .hasSize(2).allMatch(e -> e.endsWith("->" + w.version()));
            assertThat(s.data(n).get("k").version()).isEqualTo(w.version());
        }
    }
}
