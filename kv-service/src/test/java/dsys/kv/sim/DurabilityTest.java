package dsys.kv.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.ReadLevel;
import dsys.verifier.Verdict;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.LinearizabilityResult;
import dsys.verifier.linear.RegisterModel;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acknowledged means durable: KvSim checks at every acknowledgement that the write is on the disks of a write
 * quorum; here every node crashes at once, in the middle of the traffic, and comes back from storage alone.
 */
class DurabilityTest {

    static final int SEEDS = 150;

    @Test
    void aRestartedReplicaRebuildsItsStateAndKeepsItsPromises() {
        KvSim kv = KvSim.majority(1, 3);
        NodeId kv1 = kv.node(1), kv2 = kv.node(2);
        for (int i = 0; i < 20; i++) kv.written(kv.put(kv.node(1 + i % 3), "k" + i, "v" + i));
        kv.written(kv.delete(kv1, "k3"));
        kv.sim.runFor(Duration.ofMillis(50));
        SortedMap<String, AcceptorState> before = new TreeMap<>(kv.store(kv2).replicaEntries());
        kv.sim.crash(kv2);
        kv.sim.restart(kv2);
        assertThat(kv.store(kv2).replicaEntries()).isEqualTo(before);
        assertThat(kv.store(kv2).replicaState("k3").content().tombstone()).isTrue();
        kv.sim.crash(kv1); // only kv-2 and kv-3 left: every read needs kv-2's rebuilt replica
        kv.sim.network().isolate(kv1);
        for (int i = 0; i < 20; i++) {
            KvReplies.Value v = kv.value(kv.get(kv2, "k" + i, ReadLevel.LINEARIZABLE));
            assertThat(v.value()).isEqualTo(i == 3 ? null : "v" + i);
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesWholeClusterCrashes() {
        int[] restarts = {0};
        Seeds.run("whole-cluster crashes", SEEDS, seed -> restarts[0] += run(seed));
        System.out.printf("durability: %d schedules, %d whole-cluster crashes%n", SEEDS, restarts[0]);
    }

    private static int run(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Configurations config = rnd.nextBoolean() ? Configurations.MAJORITY_3 : Configurations.WEIGHTED_5;
        KvSim kv = new KvSim(seed, config.nodes, config.config, QuorumSettings.sim());
        KvNemesis nemesis = new KvNemesis(kv, rnd);
        nemesis.noisyNetwork();
        Duration run = Duration.ofMillis(1_200);
        KvClients clients = new KvClients(kv, rnd, List.of("a", "b"), run, KvClients.Mix.DEFAULT);
        clients.start(3);
        nemesis.schedule(2, run);
        int blackouts = 1 + rnd.nextInt(2);
        for (int i = 0; i < blackouts; i++) {
            long at = 100 + rnd.nextLong(1_000);
            kv.sim.at(Duration.ofMillis(at), () -> kv.nodes.forEach(kv.sim::crash));
            kv.sim.at(Duration.ofMillis(at + 1 + rnd.nextLong(50)), () -> {
                for (NodeId n : kv.nodes) if (!kv.sim.isUp(n)) kv.sim.restart(n);
            });
        }
        kv.sim.runFor(run);
        nemesis.healAll();
        kv.sim.runFor(Duration.ofMillis(QuorumSettings.sim().deadlineMs() + 100));
        clients.finalReadsSeeEveryAcknowledgedWrite(Duration.ofSeconds(2));
        LinearizabilityResult r = new LinearizabilityChecker(RegisterModel.casRegister()).check(clients.history());
        assertThat(r.verdict()).as(r.toString()).isEqualTo(Verdict.VALID);
        return blackouts;
    }
}
