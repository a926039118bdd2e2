package dsys.lock.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.ClockBounds;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.lock.Algorithms;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.Granted;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded schedules per algorithm: clients on 3 or 5 nodes under delay, loss, duplication, reordering, partitions,
 * one-way blocks, crashes with restarts and pauses, every node's clocks drifting anywhere within the ρ the service
 * assumes (±1000 ppm). Judged from the clients' side (LockChecker on their history in true time): never two owners
 * certainly holding a lock at once, fencing tokens growing. After healing: every request was answered (granted or
 * refused), and every node gets a fresh lock again. {@code -Ddsys.seeds=N} for more, {@code -Ddsys.seed=S} to
 * replay one.
 */
@ExtendWith(JudgedFromClients.class)
class RandomizedSafetyTest {

    static final int SEEDS = 200;
    private static final Duration RUN = Duration.ofMillis(3_000);

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void safeUnderFaultsAndLiveAfterHealing(String algorithm) {
        long[] totals = Seeds.sum(algorithm + " under faults", SEEDS, 6, seed -> run(algorithm, seed));
        System.out.printf("%s: %d schedules, %d grants, %d lease expiries, %d refusals, %d epoch changes, "
                        + "%d grace periods ended early on holds reports%n",
                algorithm, totals[0], totals[1], totals[2], totals[3], totals[4], totals[5]);
        assertThat(totals[2]).as("some holders outlived their lease").isPositive();
        assertThat(totals[4]).as("faults forced epoch changes").isPositive();
    }

    /** Runs one schedule; returns {1, grants, lease expiries, refusals, epoch changes, early grace ends}. */
    static long[] run(String algorithm, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 31 + algorithm.hashCode());
        int n = rnd.nextInt(4) == 0 ? 5 : 3;
        LockConfig config = LockConfig.sim().withAlgorithm(algorithm).withMaxLeaseMs(400);
        LockSim ls = new LockSim(seed, n, config, new ClockBounds(Duration.ofSeconds(1), config.rho() * 1e6),
                Algorithms::create);
        Nemesis nemesis = new Nemesis(ls, rnd);
        nemesis.noisyNetwork();
        Workload load = new Workload(ls, rnd, List.of("a", "b", "c").subList(0, 1 + rnd.nextInt(3)), RUN, 400);
        load.start(2 + rnd.nextInt(5));
        nemesis.schedule(1 + rnd.nextInt(4), RUN);
        ls.sim.runFor(RUN);
        nemesis.healAll();
        // the last client requests time out within their waitMs (< 1 s); epochs settle within a grace period
        ls.sim.runFor(Duration.ofMillis(1_500));
        ls.settle(algorithm, Duration.ofSeconds(6));
        List<SimRequest> fresh = new ArrayList<>();
        for (NodeId node : ls.nodes) fresh.add(ls.acquire(node, "fresh-" + node, "final", 200, 4_000));
        for (SimRequest r : fresh) ls.granted(r, Duration.ofSeconds(5));
        assertThat(load.finishedOps()).as("operations completed under faults").isPositive();
        long expiries = count(ls, "lock.expire"), refusals = count(ls, "lock.deny");
        ls.assertSafe();
        long epochs = ls.sim.events().stream().filter(e -> e.kind().equals("lock.epoch"))
                .map(e -> e.fields().get("epoch")).distinct().count();
        return new long[]{1, ls.grants(), expiries, refusals, epochs, count(ls, "lock.grace-end")};
    }

    private static long count(LockSim ls, String kind) {
        return ls.sim.events().stream().filter(e -> e.kind().equals(kind)).count();
    }
}
