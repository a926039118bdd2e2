package dsys.kv.active;

import dsys.core.event.Event;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Active replication sequenced by a log partition ({@link SimPartition}) under a noisy network, partitions, pauses,
 * crashes with restarts of replicas, records appended twice, appends that time out, readers that redeliver, and the
 * partition down for a while (3 replicas and a node that forwards; clients put, delete and compare-and-set at random
 * nodes). Judged from the disks: every replica applied exactly the log's operations in the log's order, each once
 * (the first copy of a repeated operation id; redelivered offsets skipped), so all hold the same data; every
 * acknowledged write is in that sequence and no key is older than it. 100 seeds by default.
 */
class LogSequencerTest {

    static final List<String> KEYS = List.of("a", "b", "c");

    @Test
    void everyReplicaAppliesTheLogsOperationsOnceInTheLogsOrder() {
        // applied, duplicates skipped, redelivered batches, crashes, replays, refusals (503)
        long[] totals = Seeds.sum("active replication sequenced by a log under faults", 100, 6, LogSequencerTest::run);
        System.out.printf("log sequencer, 100 seeds: %d applied, %d duplicates skipped, %d redeliveries, %d crashes, "
                + "%d replays, %d refused while down%n", totals[0], totals[1], totals[2], totals[3], totals[4], totals[5]);
        if (System.getProperty("dsys.seed") != null) return;
        assertThat(totals[0]).as("writes applied").isGreaterThan(1000);
        assertThat(totals[1]).as("repeated operations skipped").isPositive();
        assertThat(totals[2]).as("batches redelivered").isPositive();
        assertThat(totals[3]).as("crashes with restarts").isPositive();
        assertThat(totals[4]).as("replays after a restart").isPositive();
        assertThat(totals[5]).as("writes refused (503) while the partition was down").isPositive();
    }

    static SimPartition faultyLog(long seed) {
        SimPartition log = new SimPartition(seed);
        log.duplicate = 0.05;
        log.timeout = 0.02;
        log.redeliver = 0.1;
        return log;
    }

    private static long[] run(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        SimPartition log = faultyLog(seed);
        ActiveSim s = new ActiveSim(seed, 4, 3, QuorumSettings.sim(), log);
        KvNemesis nemesis = new KvNemesis(s.kv, rnd);
        nemesis.noisyNetwork();
        nemesis.schedule(4, Duration.ofMillis(1500));
        NodeId victim = s.replicas.get(rnd.nextInt(3)); // a replica down under load, whatever the nemesis does
        long crashAt = 200 + rnd.nextInt(800);
        s.kv.sim.at(Duration.ofMillis(crashAt), () -> s.kv.sim.crash(victim));
        s.kv.sim.at(Duration.ofMillis(crashAt + 100 + rnd.nextInt(300)), () -> {
            if (!s.kv.sim.isUp(victim)) s.kv.sim.restartProcess(victim);
        });
        long downAt = 100 + rnd.nextInt(1200);
        s.kv.sim.at(Duration.ofMillis(downAt), () -> log.down = true);
        s.kv.sim.at(Duration.ofMillis(downAt + 50 + rnd.nextInt(100)), () -> log.down = false);
        KvClients clients = new KvClients(s.kv, rnd, KEYS, Duration.ofMillis(1500), new KvClients.Mix(0.3, 0.3, 0.3, ReadLevel.ONE));
        clients.start(4);
        s.kv.sim.runFor(Duration.ofMillis(1600));
        nemesis.healAll();
        log.down = false;
        log.duplicate = log.timeout = log.redeliver = 0;
        boolean converged = false;
        for (int i = 0; i < 100 && !converged; i++) {
            s.kv.sim.runFor(Duration.ofMillis(50));
            converged = s.converged() && s.ops.get(s.replicas.get(0)).size() == logOps(log).size();
        }
        StringBuilder state = new StringBuilder("\n  log: " + log.records.size() + " records, " + logOps(log).size() + " operations");
        for (NodeId n : s.replicas) state.append("\n  ").append(n).append(" applied ").append(s.applied.get(n).size())
                .append(": ").append(s.data(n));
        assertThat(converged).as("every replica applies the whole log once the faults heal:" + state).isTrue();

        List<String> expected = logOps(log);
        for (NodeId n : s.replicas) {
            List<String> ops = s.ops.get(n).stream().map(e -> e.substring(0, e.indexOf("->"))).toList();
            assertThat(ops).as("%s applied each of the log's operations once, in the log's order", n).isEqualTo(expected);
            List<Long> stamps = s.applied.get(n).stream().map(e -> Long.parseLong(e.substring(0, e.indexOf('.')))).toList();
            for (int i = 1; i < stamps.size(); i++) {
                assertThat(stamps.get(i)).as("%s's versions follow the offsets", n).isGreaterThan(stamps.get(i - 1));
            }
        }
        List<String> sequence = s.applied.get(s.replicas.get(0));
        Map<String, Versioned> data = s.data(s.replicas.get(0));
        for (KvReplies.Written w : s.acknowledged) {
            assertThat(sequence).as("acknowledged %s is in the common sequence", w).anyMatch(e -> e.startsWith(w.version() + "->"));
            assertThat(data.get(w.key()).version().isBefore(w.version())).as("%s older than acknowledged %s", w.key(), w).isFalse();
        }
        for (String key : KEYS) {
            for (NodeId n : s.kv.nodes) {
                KvReplies.Value v = s.kv.value(s.kv.get(n, key, ReadLevel.ONE));
                assertThat(v.version()).as("%s at %s", key, n).isEqualTo(data.getOrDefault(key, Versioned.ABSENT).version());
            }
        }
        List<Event> events = s.kv.sim.events();
        return new long[]{sequence.size(), count(events, "kv.active.seq.duplicate"), log.redelivered, nemesis.crashes() + 1,
                events.stream().filter(e -> e.kind().equals("kv.active.seq.replay") && ((Number) e.fields().get("count")).longValue() > 0).count(),
                clients.outcomes().entrySet().stream().filter(e -> e.getKey().endsWith("sequencer-unavailable")).mapToLong(Map.Entry::getValue).sum()};
    }

    /** The operation ids of the log's records in offset order, each at its first copy. */
    static List<String> logOps(SimPartition log) {
        LinkedHashSet<String> ops = new LinkedHashSet<>();
        for (String r : log.records) ops.add(WriteOp.decode(r.substring(r.indexOf('\u001f') + 1)).op());
        return new ArrayList<>(ops);
    }

    private static long count(List<Event> events, String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).count();
    }

    /** Ops are unique in the log's deduplicated sequence by construction; checked so the oracle cannot drift. */
    @Test
    void theOracleCountsARepeatedRecordOnce() {
        SimPartition log = new SimPartition(1);
        String r = "kv-1\u001f" + new WriteOp("op1", "k", false, null, "v").encode();
        log.records.addAll(List.of(r, r, "kv-2\u001f" + new WriteOp("op2", "k", true, null, null).encode()));
        assertThat(logOps(log)).containsExactly("op1", "op2");
        assertThat(new HashSet<>(logOps(log))).hasSize(2);
    }
}
