package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyPage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Range listing: paged through with a small limit from any node, under loss and duplication, with one replica
 * crashed and one that missed writes, it gives every acknowledged live key of the range once, in order, at its
 * acknowledged version, and no deleted key.
 */
class RangeListTest {

    private static Object list(KvSim kv, NodeId at, String prefix, String after, int limit) {
        return kv.await(kv.sim.request(at, new KeyPage.Request(prefix, after, limit)), Duration.ofSeconds(3));
    }

    /** Every page from {@code after} = null until {@code next} is null. */
    private static List<KeyPage.Key> all(KvSim kv, NodeId at, String prefix, int limit) {
        List<KeyPage.Key> out = new ArrayList<>();
        String after = null;
        for (int pages = 0; pages < 100; pages++) {
            Object o = list(kv, at, prefix, after, limit);
            assertThat(o).as("seed %d", kv.sim.seed()).isInstanceOf(KeyPage.class);
            KeyPage p = (KeyPage) o;
            assertThat(p.keys().size()).isLessThanOrEqualTo(limit);
            out.addAll(p.keys());
            if (p.next() == null) return out;
            after = p.next();
        }
        throw new AssertionError("more than 100 pages");
    }

    @Test
    void withOneReplicaCrashedAndOneBehindEveryLiveKeyIsListedOnceInOrder() {
        for (long seed = 1; seed <= 40; seed++) {
            KvSim kv = KvSim.majority(seed, 3);
            Map<String, Ballot> expected = new TreeMap<>();
            for (int i = 0; i < 12; i++) {
                String k = "a/" + (char) ('a' + (i * 7) % 26) + i;
                expected.put(k, kv.written(kv.put(kv.node(1 + i % 3), k, "v" + i)).version());
            }
            kv.written(kv.put(kv.node(1), "b/other", "x"));
            kv.sim.crash(kv.node(3)); // kv-3 misses what follows
            for (int i = 12; i < 20; i++) {
                String k = "a/z" + i;
                expected.put(k, kv.written(kv.put(kv.node(1 + i % 2), k, "v" + i)).version());
            }
            for (String gone : List.of("a/a0", "a/z13")) {
                assertThat(kv.written(kv.delete(kv.node(2), gone)).deleted()).isTrue();
                expected.remove(gone);
            }
            kv.sim.restart(kv.node(3));
            kv.sim.crash(kv.node((int) (seed % 2) + 1)); // one of those that hold everything goes down
            NodeId at = kv.node(3);
            kv.sim.network().loss(0.2).duplicate(0.2);

            List<KeyPage.Key> listed = all(kv, at, "a/", 1 + (int) (seed % 5));
            Map<String, Ballot> got = new TreeMap<>();
            for (KeyPage.Key k : listed) got.put(k.key(), k.version());
            assertThat(listed).extracting(KeyPage.Key::key).as("seed %d: once each, in order", seed)
                    .containsExactlyElementsOf(expected.keySet());
            assertThat(got).as("seed %d", seed).isEqualTo(expected);
            assertThat(listed).allSatisfy(k -> assertThat(k.size()).isPositive());
        }
    }

    @Test
    void afterAndPrefixBoundTheRangeAndNoQuorumIsUnavailable() {
        KvSim kv = KvSim.majority(3, 3);
        for (String k : List.of("p1", "p2", "p3", "q1")) kv.written(kv.put(kv.node(1), k, "v"));
        KeyPage page = (KeyPage) list(kv, kv.node(2), "p", "p1", 100);
        assertThat(page.keys()).extracting(KeyPage.Key::key).containsExactly("p2", "p3");
        assertThat(page.next()).isNull();
        KeyPage first = (KeyPage) list(kv, kv.node(2), "", null, 2);
        assertThat(first.keys()).extracting(KeyPage.Key::key).containsExactly("p1", "p2");
        assertThat(first.next()).isEqualTo("p2");
        kv.sim.crash(kv.node(1));
        kv.sim.crash(kv.node(3));
        Object o = list(kv, kv.node(2), "", null, 10);
        assertThat(o).isInstanceOf(dsys.core.env.Rejection.class);
        assertThat(((dsys.core.env.Rejection) o).type()).isEqualTo("quorum-unavailable");
        assertThat(list(kv, kv.node(2), "", null, 0)).isInstanceOf(dsys.core.env.Rejection.class);
    }
}
