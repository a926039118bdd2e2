package dsys.kv.active;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.ReadLevel;
import dsys.verifier.consistency.Classification;
import dsys.verifier.consistency.ConsistencyClassifier;
import dsys.verifier.consistency.ConsistencyModel;
import dsys.verifier.history.HistoryRecorder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clients' view, judged by the verifier's consistency classifier: three clients, each pinned to one replica,
 * read and write two registers (unique values) while a replica crashes and comes back, records are appended twice
 * and readers redeliver. Every history is sequentially consistent; reads being local, some are not linearizable.
 */
class LogSequentialConsistencyTest {

    private static final List<String> KEYS = List.of("x", "y");
    private static final int OPS_PER_CLIENT = 14;

    @Test
    void pinnedClientsHistoriesAreSequentiallyConsistent() {
        int[] notLinearizable = {0};
        Seeds.run("log-sequenced active replication, sequential consistency", 40, seed -> {
            Classification c = run(seed);
            assertThat(c.satisfies(ConsistencyModel.SEQUENTIAL)).as("sequentially consistent: %s", c).isTrue();
            if (!c.satisfies(ConsistencyModel.LINEARIZABLE)) notLinearizable[0]++;
        });
        System.out.printf("log sequencer: %d of 40 sequentially consistent histories not linearizable%n", notLinearizable[0]);
        if (System.getProperty("dsys.seed") == null) {
            assertThat(notLinearizable[0]).as("histories with a stale local read (not linearizable)").isPositive();
        }
    }

    private static Classification run(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        SimPartition log = new SimPartition(seed);
        log.duplicate = 0.1;
        log.redeliver = 0.1;
        ActiveSim s = new ActiveSim(seed, 3, 3, QuorumSettings.sim(), log);
        s.kv.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(8));
        HistoryRecorder history = new HistoryRecorder(s.kv.sim::now, null);
        NodeId victim = s.replicas.get(rnd.nextInt(3));
        long at = 20 + rnd.nextInt(100);
        s.kv.sim.at(Duration.ofMillis(at), () -> s.kv.sim.crash(victim));
        s.kv.sim.at(Duration.ofMillis(at + 30 + rnd.nextInt(60)), () -> s.kv.sim.restartProcess(victim));
        for (int i = 0; i < 3; i++) new Client("c" + (i + 1), s.replicas.get(i), s, rnd, history).next(0, 1);
        s.kv.sim.runFor(Duration.ofSeconds(3));
        return ConsistencyClassifier.classify(history.history());
    }

    /** One request at a time to its replica; after an unknown outcome it goes on as a new process. */
    private record Client(String name, NodeId node, ActiveSim s, SplittableRandom rnd, HistoryRecorder history) {

        void next(int done, int generation) {
            if (done == OPS_PER_CLIENT) return;
            String process = name + "." + generation;
            String key = KEYS.get(rnd.nextInt(KEYS.size()));
            if (rnd.nextBoolean()) {
                HistoryRecorder.Pending p = history.invoke(process, node.value(), "read", key, null);
                SimRequest r = s.kv.get(node, key, ReadLevel.ONE);
                s.kv.whenDone(r, () -> {
                    if (r.done() && r.result() instanceof KvReplies.Value v) p.ok(v.value());
                    else p.fail(r.done() ? String.valueOf(r.result()) : "crashed");
                    later(done + 1, generation);
                });
                return;
            }
            String value = process + "-" + done;
            HistoryRecorder.Pending p = history.invoke(process, node.value(), "write", key, value);
            SimRequest r = s.kv.put(node, key, value);
            s.kv.whenDone(r, () -> {
                if (r.done() && r.result() instanceof KvReplies.Written) {
                    p.ok();
                } else if (r.done() && r.result() instanceof Rejection x && x.status() != 504 || r.crashed() && !r.delivered()) {
                    p.fail(r.done() ? String.valueOf(r.result()) : "node down");
                } else {
                    p.info("unknown");
                    later(done + 1, generation + 1);
                    return;
                }
                later(done + 1, generation);
            });
        }

        private void later(int done, int generation) {
            s.kv.sim.at(Duration.ofNanos(s.kv.sim.now() + (1 + rnd.nextInt(10)) * 1_000_000L), () -> next(done, generation));
        }
    }
}
