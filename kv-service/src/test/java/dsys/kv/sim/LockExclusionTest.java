package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.ReadLevel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Transactions' locks under the kv nemesis (loss, duplication, partitions, pauses, crashes of a minority), judged
 * from what clients saw in true time: two transactions never both certainly hold a key (from the answer that
 * granted a lock to the request that released it); no plain write succeeds entirely inside such a span; and once
 * every lock is released (a transaction whose lock answer was lost releases too, as a participant does on abort)
 * the key takes plain writes again. Seeds: {@code -Ddsys.seeds=N}, replay one with {@code -Ddsys.seed=S}.
 */
class LockExclusionTest {

    private record Held(String key, String txn, long from, long until) {
    }

    private record Write(String key, long invoked, long completed) {
    }

    @Test
    void locksExcludeEachOtherAndPlainWritesUnderFaults() {
        Seeds.run("locks under faults", 200, LockExclusionTest::run);
    }

    private static void run(long seed) {
        KvSim kv = KvSim.majority(seed, 3);
        SplittableRandom rnd = new SplittableRandom(seed);
        KvNemesis nemesis = new KvNemesis(kv, rnd);
        nemesis.noisyNetwork();
        nemesis.schedule(4, Duration.ofMillis(1500));
        kv.sim.at(Duration.ofMillis(1600), nemesis::healAll);
        List<String> keys = List.of("k1", "k2");
        List<Held> held = new ArrayList<>();
        List<Write> writes = new ArrayList<>();
        int[] open = {0};
        for (int i = 0; i < 8; i++) {
            String key = keys.get(rnd.nextInt(keys.size())), txn = "t" + i;
            NodeId at = kv.node(1 + rnd.nextInt(3));
            long hold = 20 + rnd.nextInt(200);
            boolean commit = rnd.nextBoolean();
            open[0]++;
            kv.sim.at(Duration.ofMillis(rnd.nextInt(1200)), () -> {
                SimRequest lock = kv.sim.request(at, new KvRequests.Lock(key, txn, 'p', txn, null));
                kv.whenDone(lock, () -> {
                    boolean granted = lock.done() && lock.result() instanceof KvReplies.Written;
                    boolean refused = lock.done() && lock.result() instanceof dsys.core.env.Rejection r && r.status() == 409;
                    if (refused) {
                        open[0]--;
                        return;
                    }
                    long from = lock.completedAt();
                    // granted: hold a while, then end it; unknown (504, a crash): end it too, aborting
                    kv.sim.at(Duration.ofNanos(kv.sim.now() + hold * 1_000_000L), () -> release(kv, rnd, key, txn,
                            granted && commit, granted ? from : -1, held, open));
                });
            });
        }
        for (int i = 0; i < 12; i++) {
            String key = keys.get(rnd.nextInt(keys.size()));
            NodeId at = kv.node(1 + rnd.nextInt(3));
            kv.sim.at(Duration.ofMillis(rnd.nextInt(1500)), () -> {
                SimRequest put = kv.put(at, key, "plain");
                kv.whenDone(put, () -> {
                    if (put.done() && put.result() instanceof KvReplies.Written) writes.add(new Write(key, put.invokedAt(), put.completedAt()));
                });
            });
        }
        assertThat(kv.sim.runUntil(() -> open[0] == 0 && kv.sim.now() > Duration.ofMillis(1700).toNanos(), Duration.ofSeconds(30)))
                .as("every transaction released its key").isTrue();

        for (Held a : held) {
            for (Held b : held) {
                if (a == b || !a.key().equals(b.key())) continue;
                assertThat(a.until() <= b.from() || b.until() <= a.from())
                        .as(a + " and " + b + " both held " + a.key() + "\n" + kv.sim.trace(30)).isTrue();
            }
            for (Write w : writes) {
                if (!w.key().equals(a.key())) continue;
                assertThat(w.invoked() >= a.from() && w.completed() <= a.until()).as("plain write " + w + " inside " + a).isFalse();
            }
        }
        for (String key : keys) {
            Object after = kv.await(kv.put(kv.node(1), key, "after"), Duration.ofSeconds(3));
            assertThat(after).as(key + " takes plain writes once every lock is released").isInstanceOf(KvReplies.Written.class);
            assertThat(kv.value(kv.get(kv.node(2), key, ReadLevel.LINEARIZABLE)).value()).isEqualTo("after");
        }
    }

    /** Releases until a node confirms it (a participant repeats its decision until it is applied). */
    private static void release(KvSim kv, SplittableRandom rnd, String key, String txn, boolean commit, long heldFrom,
                                List<Held> held, int[] open) {
        SimRequest r = kv.sim.request(kv.node(1 + rnd.nextInt(3)), new KvRequests.Release(key, txn, commit));
        if (heldFrom >= 0 && held.stream().noneMatch(h -> h.txn().equals(txn))) held.add(new Held(key, txn, heldFrom, r.invokedAt()));
        kv.whenDone(r, () -> {
            if (r.done() && r.result() instanceof KvReplies.Written) open[0]--;
            else kv.sim.at(Duration.ofNanos(kv.sim.now() + 50_000_000L), () -> release(kv, rnd, key, txn, commit, -1, held, open));
        });
    }
}
