package dsys.kv.sim;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Puts, reads at every level, compare-and-set and deletes through different coordinators, without faults. */
class BasicOperationsTest {

    private final KvSim kv = KvSim.majority(1, 3);
    private final NodeId a = kv.node(1), b = kv.node(2), c = kv.node(3);

    @Test
    void aPutIsReadFromAnyNodeAtAnyLevel() {
        KvReplies.Written w = kv.written(kv.put(a, "x", "1"));
        kv.sim.runFor(Duration.ofMillis(50)); // the commits arrive
        for (NodeId n : kv.nodes) {
            for (ReadLevel level : ReadLevel.values()) {
                KvReplies.Value v = kv.value(kv.get(n, "x", level));
                assertThat(v.value()).as(n + " " + level).isEqualTo("1");
                assertThat(v.version()).isEqualTo(w.version());
            }
        }
    }

    @Test
    void versionsGrowWithEveryWrite() {
        Ballot v1 = kv.written(kv.put(a, "x", "1")).version();
        Ballot v2 = kv.written(kv.put(b, "x", "2")).version();
        Ballot v3 = kv.written(kv.put(c, "x", "3")).version();
        assertThat(v2).isGreaterThan(v1);
        assertThat(v3).isGreaterThan(v2);
        assertThat(kv.value(kv.get(a, "x", ReadLevel.LINEARIZABLE)).value()).isEqualTo("3");
    }

    @Test
    void compareAndSetSwapsOnlyTheVersionItNames() {
        Ballot v1 = kv.written(kv.put(a, "x", "1")).version();
        Ballot v2 = kv.written(kv.cas(b, "x", "2", v1)).version();
        Object stale = kv.await(kv.cas(c, "x", "3", v1), Duration.ofSeconds(1));
        assertThat(stale).isInstanceOfSatisfying(Rejection.class, r -> {
            assertThat(r.status()).isEqualTo(412);
            assertThat(r.detail()).contains(v2.toString());
        });
        assertThat(kv.value(kv.get(a, "x", ReadLevel.LINEARIZABLE)).value()).isEqualTo("2");
    }

    @Test
    void ifNoneMatchCreatesOnlyAnAbsentKey() {
        kv.written(kv.cas(a, "x", "1", Ballot.ZERO));
        assertThat(kv.await(kv.cas(b, "x", "2", Ballot.ZERO), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(412));
    }

    @Test
    void aDeleteLeavesAVersionedTombstone() {
        Ballot v1 = kv.written(kv.put(a, "x", "1")).version();
        KvReplies.Written d = kv.written(kv.delete(b, "x"));
        assertThat(d.deleted()).isTrue();
        assertThat(d.version()).isGreaterThan(v1);
        KvReplies.Value v = kv.value(kv.get(c, "x", ReadLevel.LINEARIZABLE));
        assertThat(v.found()).isFalse();
        assertThat(v.version()).isEqualTo(d.version());
        kv.sim.runFor(Duration.ofMillis(50));
        for (NodeId n : kv.nodes) assertThat(kv.store(n).replicaState("x").content().tombstone()).isTrue();
        // a key deleted can be created again with If-None-Match
        assertThat(kv.written(kv.cas(a, "x", "2", Ballot.ZERO)).version()).isGreaterThan(d.version());
    }

    @Test
    void aKeyNeverWrittenIsAbsentWithVersionZero() {
        KvReplies.Value v = kv.value(kv.get(b, "nothing", ReadLevel.LINEARIZABLE));
        assertThat(v.found()).isFalse();
        assertThat(v.version()).isEqualTo(Ballot.ZERO);
    }

    @Test
    void keysOfAnyShapeAreStoredSafely() {
        String odd = "a/b\u001fc\nd é ✓ %2F";
        kv.written(kv.put(a, odd, "v\u001fw\nx"));
        assertThat(kv.value(kv.get(c, odd, ReadLevel.LINEARIZABLE)).value()).isEqualTo("v\u001fw\nx");
        assertThat(kv.sim.storage(a).scan("kvq/default/k/").keySet())
                .allSatisfy(k -> assertThat(k).matches("kvq/default/k/[0-9a-f]+"));
    }

    @Test
    void badRequestsAreRefused() {
        assertThat(kv.await(kv.put(a, "", "1"), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(400));
        assertThat(kv.await(kv.put(a, "k".repeat(1025), "1"), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(400));
        assertThat(kv.await(kv.put(a, "k", "v".repeat(dsys.kv.quorum.QuorumStore.MAX_VALUE_BYTES + 1)), Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(413));
    }
}
