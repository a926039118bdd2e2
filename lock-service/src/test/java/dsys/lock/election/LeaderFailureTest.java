package dsys.lock.election;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failure detection end to end, with nobody calling start(): the cluster elects on its own, a crashed leader is
 * replaced by the next highest id, and (bully) the old leader bullies its way back on restart with an epoch it
 * never used before, although it forgot everything but its disk.
 */
class LeaderFailureTest {

    private static final Duration HEARTBEAT = Duration.ofMillis(50);
    private static final Duration SUSPECT = Duration.ofMillis(200);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bully", "ring"})
    void crashedLeaderIsReplaced_andComesBackWithAFreshEpoch(String algorithm) {
        BiFunction<dsys.core.env.Env, Consumer<Leadership>, AbstractElection> factory =
                algorithm.equals("bully") ? BullyElection::new : RingElection::new;
        Seeds.run(algorithm + " leader failure", 200, seed -> {
            int n = 3 + (int) (seed % 3);
            Simulation sim = new Simulation(seed);
            for (int i = 1; i <= n; i++) sim.add(node(i), env -> new ElectionNode(env, factory, HEARTBEAT, SUSPECT));
            EpochChecker epochs = new EpochChecker();
            sim.addSink(epochs);
            sim.invariant("one leader per epoch", epochs::check);

            assertThat(sim.runUntil(() -> allFollow(sim, n, node(n)), Duration.ofSeconds(3))).as("first leader").isTrue();
            long first = epochOf(sim, n);

            sim.crash(node(n));
            long crashedAt = sim.now();
            assertThat(sim.runUntil(() -> allFollow(sim, n, node(n - 1)), Duration.ofSeconds(3))).as("replaced").isTrue();
            // detection takes the suspicion timeout plus at most one heartbeat interval, then one election
            assertThat(sim.now() - crashedAt).isLessThan(Duration.ofSeconds(1).toNanos());
            long second = epochOf(sim, 1);
            assertThat(second).isGreaterThan(first);

            sim.restart(node(n));
            assertThat(sim.runUntil(() -> allFollow(sim, n, node(n)), Duration.ofSeconds(5))).as("back").isTrue();
            assertThat(epochOf(sim, n)).isGreaterThan(second);
            assertThat(sim.storage(node(n)).get("election." + algorithm + ".max-epoch")).contains(Long.toString(epochOf(sim, n)));
        });
    }

    private static NodeId node(int i) {
        return NodeId.of("lock-" + i);
    }

    private static long epochOf(Simulation sim, int i) {
        return ((ElectionNode) sim.core(node(i))).election.epoch();
    }

    private static boolean allFollow(Simulation sim, int n, NodeId leader) {
        long epoch = -1;
        for (int i = 1; i <= n; i++) {
            if (!sim.isUp(node(i))) continue;
            AbstractElection e = ((ElectionNode) sim.core(node(i))).election;
            if (e.inProgress() || !e.leader().equals(Optional.of(leader)) || (epoch >= 0 && e.epoch() != epoch)) return false;
            epoch = e.epoch();
        }
        return true;
    }
}
