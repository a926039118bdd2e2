package dsys.kv.eventual;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eventual consistency under faults, judged from the replicas' disks and the clients' answers. Clients put,
 * delete and compare-and-set (with versions they read) at random replicas, under loss, duplication, reordering,
 * partitions and crashes with both kinds of restart; death certificates live 400 ms, so many expire while
 * replicas are cut off. Once the faults heal, every replica's disk must hold exactly the same values, and they
 * must be the acknowledged writes that win last-writer-wins: per key the acknowledged put or delete of the highest
 * version (so a key whose last acknowledged update is a delete is absent everywhere: not resurrected). It must stay
 * so for several certificate lifetimes, and a read at every replica must return it.
 */
class ConvergenceTest {

    static final QuorumSettings SETTINGS = QuorumSettings.sim().withTombstoneHorizonMs(400);
    static final List<String> KEYS = List.of("a", "b", "c", "d");

    @Test
    void replicasConvergeToTheLastWritesAndDeletesStayDeleted() {
        long[] totals = new long[2]; // keys deleted at the end, dormant certificates woken
        Seeds.run("eventual convergence under faults", 40, seed -> {
            long[] t = run(seed);
            totals[0] += t[0];
            totals[1] += t[1];
        });
        if (System.getProperty("dsys.seed") != null) return; // one replayed seed need not take these paths
        assertThat(totals[0]).as("keys whose last acknowledged update is a delete (the check ran)").isPositive();
        assertThat(totals[1]).as("dormant certificates woken by obsolete copies (the path ran)").isPositive();
    }

    private record Acked(String key, String value, Ballot version) {
    }

    private static long[] run(long seed) {
        EventualSim s = new EventualSim(seed, 5, 0, SETTINGS);
        Random rnd = new Random(seed);
        s.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(15)).loss(0.1).duplicate(0.05)
                .reorder(0.1, Duration.ofMillis(20));
        List<SimRequest> requests = new ArrayList<>();
        Map<String, Ballot> seen = new TreeMap<>(); // versions clients read, for compare-and-set
        for (int t = 10; t < 5000; t += 20 + rnd.nextInt(50)) {
            NodeId at = s.replicas.get(rnd.nextInt(5));
            String key = KEYS.get(rnd.nextInt(KEYS.size()));
            int what = rnd.nextInt(10);
            String value = "v" + t;
            s.sim.at(Duration.ofMillis(t), () -> {
                if (what < 2) {
                    requests.add(s.sim.request(at, new KvRequests.Delete(key, null)));
                } else if (what < 4) {
                    SimRequest r = s.get(at, key);
                    s.sim.at(Duration.ofNanos(s.sim.now() + 1), () -> {
                        if (r.done() && r.result() instanceof KvReplies.Value v) seen.put(key, v.version());
                    });
                } else if (what < 5 && seen.containsKey(key)) {
                    requests.add(s.cas(at, key, value, seen.get(key)));
                } else {
                    requests.add(s.put(at, key, value));
                }
            });
        }
        for (int f = 0; f < 4; f++) {
            int at = 200 + rnd.nextInt(4500), length = 300 + rnd.nextInt(2000);
            NodeId victim = s.replicas.get(rnd.nextInt(5));
            if (rnd.nextBoolean()) {
                List<NodeId> shuffled = new ArrayList<>(s.replicas);
                Collections.shuffle(shuffled, rnd);
                int cut = 1 + rnd.nextInt(4);
                s.sim.at(Duration.ofMillis(at), () -> s.sim.network().partition(shuffled.subList(0, cut), shuffled.subList(cut, 5)));
                s.sim.at(Duration.ofMillis(at + length), () -> s.sim.network().heal());
            } else {
                boolean process = rnd.nextBoolean();
                s.sim.at(Duration.ofMillis(at), () -> s.sim.crash(victim));
                s.sim.at(Duration.ofMillis(at + length), () -> {
                    if (s.sim.isUp(victim)) return;
                    if (process) s.sim.restartProcess(victim);
                    else s.sim.restart(victim);
                });
            }
        }
        s.sim.runFor(Duration.ofMillis(5100));
        s.sim.network().heal().loss(0.05);
        s.sim.runFor(Duration.ofMillis(2500)); // the last restarts are due by now
        SortedMap<String, String> expected = expected(requests);
        boolean converged = false;
        for (int i = 0; i < 300 && !converged; i++) {
            s.sim.runFor(Duration.ofMillis(100));
            converged = s.replicas.stream().allMatch(n -> s.values(n).equals(expected));
        }
        if (!converged) {
            StringBuilder b = new StringBuilder("replicas did not converge to " + expected);
            for (NodeId n : s.replicas) b.append("\n  ").append(n).append(": ").append(s.values(n));
            throw new AssertionError(b);
        }
        for (int i = 0; i < 8; i++) {
            s.sim.runFor(Duration.ofMillis(200));
            for (NodeId n : s.replicas) {
                assertThat(s.values(n)).as("%s, %d ms after convergence", n, (i + 1) * 200).isEqualTo(expected);
            }
        }
        for (NodeId n : s.replicas) {
            for (String key : KEYS) {
                KvReplies.Value v = s.value(s.get(n, key));
                String shown = v.value() == null ? null : v.value() + "@" + v.version();
                assertThat(shown).as("read of %s at %s", key, n).isEqualTo(expected.get(key));
            }
        }
        long deleted = KEYS.stream().filter(k -> !expected.containsKey(k) && wasWritten(requests, k)).count();
        long woken = s.replicas.stream().mapToLong(n -> ((EventualStore) s.sim.core(n)).stats().counts()
                .getOrDefault("certificates.revived", 0L)).sum();
        return new long[]{deleted, woken};
    }

    private static boolean wasWritten(List<SimRequest> requests, String key) {
        return requests.stream().anyMatch(r -> r.done() && r.result() instanceof KvReplies.Written w && w.key().equals(key));
    }

    /** Per key, the acknowledged put or delete of the highest version; deleted keys are left out. */
    private static SortedMap<String, String> expected(List<SimRequest> requests) {
        Map<String, Acked> last = new TreeMap<>();
        for (SimRequest r : requests) {
            if (!r.done() || !(r.result() instanceof KvReplies.Written w)) continue;
            String value = r.body() instanceof KvRequests.Put p ? p.value() : null;
            Acked before = last.get(w.key());
            if (before == null || w.version().isAfter(before.version())) last.put(w.key(), new Acked(w.key(), value, w.version()));
        }
        SortedMap<String, String> out = new TreeMap<>();
        last.forEach((k, a) -> {
            if (a.value() != null) out.put(k, a.value() + "@" + a.version());
        });
        return out;
    }
}
