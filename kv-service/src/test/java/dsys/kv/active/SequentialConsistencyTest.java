package dsys.kv.active;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.ReadLevel;
import dsys.kv.quorum.Versioned;
import dsys.kv.sim.KvClients;
import dsys.kv.sim.KvNemesis;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Active replication under loss, duplication, reordering, partitions, one-way blocks, pauses and crashes with
 * restarts (3 replicas and a node that forwards; clients put, delete and compare-and-set at random nodes). Judged
 * from the disks: each replica's sequence of applied operations only grows, never applies one twice, and once the
 * faults heal every replica has applied the same sequence, so at every moment each one's was a prefix of that common
 * sequence; an operation id (a forwarded write sent again) makes at most one version; all replicas then hold
 * identical data, every acknowledged write is in the sequence and no key is older
 * than its latest acknowledged write. 12 seeds by default; {@code -Ddsys.seeds=N} sweeps more.
 */
class SequentialConsistencyTest {

    static final List<String> KEYS = List.of("a", "b", "c");

    @Test
    void everyReplicaAppliesAPrefixOfOneSequence() {
        // applied writes, refused compare-and-sets, crashes
        long[] totals = Seeds.sum("active replication under faults", 12, 3, SequentialConsistencyTest::run);
        if (System.getProperty("dsys.seed") != null) return;
        assertThat(totals[0]).as("writes applied").isGreaterThan(100);
        assertThat(totals[1]).as("compare-and-sets refused at their place in the order").isPositive();
        assertThat(totals[2]).as("crashes with restarts").isPositive();
    }

    private static long[] run(long seed) {
        ActiveSim s = new ActiveSim(seed, 4, 3, QuorumSettings.sim());
        SplittableRandom rnd = new SplittableRandom(seed);
        KvNemesis nemesis = new KvNemesis(s.kv, rnd);
        nemesis.noisyNetwork();
        nemesis.schedule(4, Duration.ofMillis(1500));
        KvClients clients = new KvClients(s.kv, rnd, KEYS, Duration.ofMillis(1500),
                new KvClients.Mix(0.3, 0.3, 0.3, ReadLevel.ONE));
        clients.start(4);
        s.kv.sim.runFor(Duration.ofMillis(1600));
        nemesis.healAll();
        boolean converged = false;
        for (int i = 0; i < 100 && !converged; i++) {
            s.kv.sim.runFor(Duration.ofMillis(100));
            converged = s.converged();
        }
        StringBuilder state = new StringBuilder();
        for (NodeId n : s.replicas) state.append("\n  ").append(n).append(" applied ").append(s.applied.get(n).size())
                .append(": ").append(s.data(n));
        assertThat(converged).as("replicas converge once the faults heal:" + state).isTrue();

        List<String> sequence = s.applied.get(s.replicas.get(0));
        assertThat(new HashSet<>(sequence)).as("no operation applied twice").hasSize(sequence.size());
        Map<String, java.util.Set<String>> versionsByOp = new java.util.HashMap<>();
        for (String e : s.ops.get(s.replicas.get(0))) {
            String[] f = e.split("->");
            if (!f[1].equals("412")) versionsByOp.computeIfAbsent(f[0], o -> new HashSet<>()).add(f[1]);
        }
        versionsByOp.forEach((op, versions) -> assertThat(versions).as("operation %s (repeats of a forwarded write "
                + "apply once)", op).hasSize(1));
        Map<String, Versioned> data = s.data(s.replicas.get(0));
        for (KvReplies.Written w : s.acknowledged) {
            assertThat(sequence).as("acknowledged %s is in the common sequence", w)
                    .anyMatch(e -> e.endsWith("->" + w.version()));
            Versioned now = data.get(w.key());
            assertThat(now.version().isBefore(w.version())).as("%s holds %s, older than acknowledged %s", w.key(), now, w)
                    .isFalse();
        }
        for (String key : KEYS) {
            for (NodeId n : s.kv.nodes) { // every node (the forwarding one too) reads the common state
                KvReplies.Value v = s.kv.value(s.kv.get(n, key, ReadLevel.ONE));
                Versioned d = data.getOrDefault(key, Versioned.ABSENT);
                assertThat(v.value()).as("%s at %s", key, n).isEqualTo(d.value());
                assertThat(v.version()).isEqualTo(d.version());
            }
        }
        long refused = sequence.stream().filter(e -> e.endsWith("->412")).count();
        return new long[]{sequence.size() - refused, refused, nemesis.crashes()};
    }
}
