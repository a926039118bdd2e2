package dsys.kv.sim;

import dsys.core.sim.Seeds;
import dsys.kv.quorum.QuorumSettings;
import dsys.verifier.Verdict;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.LinearizabilityResult;
import dsys.verifier.linear.RegisterModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded schedules per configuration: 2-5 clients put, read (linearizable), compare-and-set and delete on 1-3
 * keys through random nodes, under delay, loss, duplication, reordering, partitions, one-way blocks, pauses and
 * crash/restart of any minority. Each key's history must be linearizable for the cas-register model; after
 * healing, a linearizable read of every key sees the latest acknowledged write or a later one, and anti-entropy
 * makes every replica hold the same chosen state. Half the schedules collect tombstones during the run. {@code -Ddsys.seeds=N} for more, {@code -Ddsys.seed=S} to replay.
 */
class LinearizabilityTest {

    static final int SEEDS = 300;
    private static final Duration RUN = Duration.ofMillis(1_200);
    private static final LinearizabilityChecker CHECKER =
            new LinearizabilityChecker(RegisterModel.casRegister(), Duration.ofSeconds(20), 256L << 20);

    @ParameterizedTest
    @EnumSource(Configurations.class)
    void linearizableUnderFaultsAndConvergedAfterHealing(Configurations config) {
        Map<String, Integer> totals = new TreeMap<>();
        long start = System.nanoTime();
        Seeds.run(config + " under faults", SEEDS, seed -> run(config, seed).forEach((k, v) -> totals.merge(k, v, Integer::sum)));
        System.out.printf("%s: %d ms, %s%n", config, (System.nanoTime() - start) / 1_000_000, totals);
        assertThat(totals.getOrDefault("write ok", 0)).as("writes succeeded").isPositive();
        assertThat(totals.getOrDefault("cas ok", 0)).as("compare-and-sets succeeded").isPositive();
        // The one-round-trip path (a lease) and its fall back into full rounds both ran under these faults.
        assertThat(totals.getOrDefault("fast-path", 0)).as("writes on a lease").isPositive();
        assertThat(totals.getOrDefault("fast-path.refused", 0)).as("leased writes refused").isPositive();
    }

    static Map<String, Integer> run(Configurations config, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed * 31 + config.ordinal());
        // Half the schedules collect tombstones 200 ms after they are written, in the middle of the traffic.
        QuorumSettings settings = rnd.nextBoolean() ? QuorumSettings.sim() : QuorumSettings.sim().withTombstoneHorizonMs(200);
        KvSim kv = new KvSim(seed, config.nodes, config.config, settings);
        KvNemesis nemesis = new KvNemesis(kv, rnd);
        nemesis.noisyNetwork();
        List<String> keys = List.of("a", "b", "c").subList(0, 1 + rnd.nextInt(3));
        KvClients clients = new KvClients(kv, rnd, keys, RUN, KvClients.Mix.DEFAULT);
        clients.start(2 + rnd.nextInt(4));
        nemesis.schedule(1 + rnd.nextInt(4), RUN);
        kv.sim.runFor(RUN);
        nemesis.healAll();
        kv.sim.runFor(Duration.ofMillis(QuorumSettings.sim().deadlineMs() + 100)); // every request is answered
        clients.finalReadsSeeEveryAcknowledgedWrite(Duration.ofSeconds(2));
        LinearizabilityResult r = CHECKER.check(clients.history());
        assertThat(r.verdict()).as("%s\nhistory:\n%s", r, clients.history().ops()).isEqualTo(Verdict.VALID);
        boolean converged = kv.sim.runUntil(kv::converged, Duration.ofSeconds(10));
        assertThat(converged).as("replicas did not converge: %s", kv.replicaData()).isTrue();
        Map<String, Integer> out = new TreeMap<>(clients.outcomes());
        for (String c : List.of("fast-path", "fast-path.refused")) {
            out.put(c, kv.nodes.stream().mapToInt(n -> kv.store(n).stats().counts().getOrDefault(c, 0L).intValue()).sum());
        }
        out.put("crashes", nemesis.crashes());
        out.put("partitions", nemesis.partitions());
        out.put("tombstones collected", (int) kv.sim.events().stream().filter(e -> e.kind().equals("kv.tombstone.collected")).count());
        return out;
    }
}
