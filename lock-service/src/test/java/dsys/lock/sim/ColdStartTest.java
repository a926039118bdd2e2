package dsys.lock.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockNodeCore;
import dsys.lock.node.LockReplies.Granted;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A cold start with the nodes coming up seconds apart (as {@code ./platform up} does): the grace period of an
 * epoch committed without the late node must end once that node has answered that it holds nothing, not a whole
 * (30 s) lease later. And a node that did grant and crashed is still waited for (the safety recorder checks).
 */
@ExtendWith(JudgedFromClients.class)
class ColdStartTest {

    private static final Duration S = Duration.ofSeconds(5);

    /** Long leases: without the early end the grace period is ≈ 30 s. */
    private static LockConfig config(String algorithm) {
        return LockConfig.sim().withAlgorithm(algorithm).withMaxLeaseMs(30_000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void aNodeStartingLateDoesNotCostAGracePeriod(String algorithm) {
        for (long seed = 1; seed <= 5; seed++) {
            LockSim ls = new LockSim(700 + seed, 3, config(algorithm));
            // lock-1 alone first, lock-2 1.2 s later, lock-3 2.5 s later (never started before: empty disks)
            ls.sim.crash(ls.node(2));
            ls.sim.crash(ls.node(3));
            ls.sim.runFor(Duration.ofMillis(1_200));
            ls.sim.restart(ls.node(2));
            ls.sim.runFor(Duration.ofMillis(1_300));
            ls.sim.restart(ls.node(3));
            long up = ls.sim.now();
            SimRequest r = ls.acquire(ls.node(1), "x", "me", 5_000, 2_000);
            Granted g = ls.granted(r, S);
            assertThat(Duration.ofNanos(r.completedAt() - up)).as("seed %d: granted %s", seed, g)
                    .isLessThan(Duration.ofMillis(1_500));
            // and every node, the late one included, grants soon after
            for (int i = 1; i <= 3; i++) {
                SimRequest q = ls.acquire(ls.node(i), "y" + i, "c" + i, 200, 2_000);
                ls.granted(q, S);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void allNodesStartingTogetherGrantAtOnce(String algorithm) {
        LockSim ls = new LockSim(801, 3, config(algorithm));
        SimRequest r = ls.acquire(ls.node(2), "x", "me", 5_000, 2_000);
        ls.granted(r, S);
        assertThat(Duration.ofNanos(r.completedAt())).isLessThan(Duration.ofMillis(1_500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void aNodeThatGrantedAndCrashedIsStillWaitedFor(String algorithm) {
        LockSim ls = new LockSim(811, 3, LockConfig.sim().withAlgorithm(algorithm).withMaxLeaseMs(3_000));
        ls.settle(algorithm, S);
        Granted a = ls.granted(ls.acquire(ls.node(1), "x", "a", 3_000, 2_000), S);
        ls.sim.crash(ls.node(1));
        ls.sim.runFor(Duration.ofMillis(600));
        ls.sim.restart(ls.node(1));  // its hold comes back from disk: a full lease from the restart
        SimRequest b = ls.acquire(ls.node(2), "x", "b", 500, 5_000);
        Granted gb = ls.granted(b, Duration.ofSeconds(10));
        // the recorder (an invariant after every step) found no overlap with a's lease
        assertThat(gb.fencingToken()).isGreaterThan(a.fencingToken());
    }

    static String views(LockSim ls) {
        StringBuilder b = new StringBuilder();
        for (NodeId n : ls.nodes) if (ls.sim.isUp(n)) b.append(((LockNodeCore) ls.core(n)).view()).append('\n');
        return b.toString();
    }
}
