package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.ReadLevel;
import dsys.verifier.Verdict;
import dsys.verifier.history.HistoryRecorder;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.LinearizabilityResult;
import dsys.verifier.linear.RegisterModel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The check is not vacuous: reads at level {@code one} under partitions are stale, and the same checker that
 * passes the linearizable workloads must say so.
 */
class ControlTest {

    private static final LinearizabilityChecker CHECKER = new LinearizabilityChecker(RegisterModel.casRegister());

    @Test
    void aReadOfOneReplicaCutOffByAPartitionIsNotLinearizable() {
        KvSim kv = KvSim.majority(1, 3);
        NodeId kv1 = kv.node(1), kv3 = kv.node(3);
        HistoryRecorder history = new HistoryRecorder(kv.sim::now, null);
        kv.sim.network().partition(List.of(kv3), List.of(kv1, kv.node(2)));
        HistoryRecorder.Pending w = history.invoke("writer", "write", "x", "1");
        kv.written(kv.put(kv1, "x", "1"));
        w.ok();
        HistoryRecorder.Pending r = history.invoke("reader", "read", "x", null);
        r.ok(kv.value(kv.get(kv3, "x", ReadLevel.ONE)).value()); // kv-3 never saw the write
        LinearizabilityResult result = CHECKER.check(history.history());
        assertThat(result.verdict()).as(result.toString()).isEqualTo(Verdict.INVALID);
        assertThat(result.counterexamples()).singleElement().asString().contains("read");
    }

    @Test
    void aRandomWorkloadReadingOneReplicaUnderPartitionsIsFoundNotLinearizable() {
        int seeds = 60, invalid = 0;
        for (long seed = 1; seed <= seeds; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            KvSim kv = new KvSim(seed, 3, Configurations.MAJORITY_3.config, QuorumSettings.sim());
            KvNemesis nemesis = new KvNemesis(kv, rnd);
            nemesis.noisyNetwork();
            KvClients clients = new KvClients(kv, rnd, List.of("a", "b"), Duration.ofMillis(1_500),
                    new KvClients.Mix(0.5, 0.3, 0.1, ReadLevel.ONE));
            clients.start(4);
            nemesis.schedule(4, Duration.ofMillis(1_500));
            kv.sim.runFor(Duration.ofMillis(2_100));
            if (CHECKER.check(clients.history()).verdict() == Verdict.INVALID) invalid++;
        }
        System.out.printf("read=one under partitions: %d of %d seeds not linearizable%n", invalid, seeds);
        assertThat(invalid).as("schedules the checker found not linearizable").isGreaterThan(seeds / 2);
    }
}
