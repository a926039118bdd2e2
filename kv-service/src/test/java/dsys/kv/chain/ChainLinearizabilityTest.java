package dsys.kv.chain;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.sim.KvClients;
import dsys.kv.sim.KvNemesis;
import dsys.verifier.Verdict;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.LinearizabilityResult;
import dsys.verifier.linear.RegisterModel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seeded schedules on 3 and 5 replicas: 2-5 clients put, read (linearizable), compare-and-set and delete on 1-3 keys
 * through random nodes, under delay, loss, duplication, reordering, partitions, one-way blocks, pauses and crashes
 * with restarts of any minority (the quorum mode's {@link KvNemesis}); some schedules also crash every node at
 * once. Checked from what the clients saw: each key's history is linearizable (cas-register model) and, after
 * healing, a linearizable read of every key sees its latest acknowledged write; from the disks: every acknowledged
 * write was on every member of the head's view when acknowledged ({@link ChainSim}), and at no instant did two
 * nodes answer reads. After healing every replica is back in the chain with the same data.
 * {@code -Ddsys.seeds=N} for more ({@code -Ddsys.chain.sweep=true}: 500), {@code -Ddsys.seed=S} to replay, with
 * {@code -Ddsys.chain.trace=FILE} to write the simulator's trace of a history found not linearizable.
 */
class ChainLinearizabilityTest {

    static final int SEEDS = Boolean.getBoolean("dsys.chain.sweep") ? 500 : 60;
    private static final Duration RUN = Duration.ofMillis(1_500);
    private static final LinearizabilityChecker CHECKER =
            new LinearizabilityChecker(RegisterModel.casRegister(), Duration.ofSeconds(20), 256L << 20);

    @ParameterizedTest
    @ValueSource(ints = {3, 5})
    void linearizableUnderFaultsAndWholeAgainAfterHealing(int n) {
        Map<String, Integer> totals = new TreeMap<>();
        long start = System.nanoTime();
        Seeds.run("chain of " + n + " under faults", n == 3 ? SEEDS : SEEDS / 2,
                seed -> run(n, seed).forEach((k, v) -> totals.merge(k, v, Integer::sum)));
        System.out.printf("chain of %d: %d ms, %s%n", n, (System.nanoTime() - start) / 1_000_000, totals);
        assertThat(totals.getOrDefault("write ok", 0)).as("writes succeeded").isPositive();
        assertThat(totals.getOrDefault("cas ok", 0)).as("compare-and-sets succeeded").isPositive();
        assertThat(totals.getOrDefault("read ok", 0)).as("reads succeeded").isPositive();
        assertThat(totals.getOrDefault("view changes", 0)).as("views changed").isPositive();
        assertThat(totals.getOrDefault("rejoins", 0)).as("nodes copied the tail and rejoined").isPositive();
    }

    static Map<String, Integer> run(int n, long seed) {
        return run(n, seed, Shape.CHAIN, null);
    }

    /** One seeded schedule on a chain or ({@code shape} STAR) a primary-backup keyspace. */
    static Map<String, Integer> run(int n, long seed, Shape shape, String writeMode) {
        SplittableRandom rnd = new SplittableRandom(seed * 131 + n);
        ChainSim c = new ChainSim(seed, n, QuorumSettings.sim(), shape, writeMode);
        var kv = c.kv;
        KvNemesis nemesis = new KvNemesis(kv, rnd);
        nemesis.noisyNetwork();
        List<String> keys = List.of("a", "b", "c").subList(0, 1 + rnd.nextInt(3));
        KvClients clients = new KvClients(kv, rnd, keys, RUN, KvClients.Mix.DEFAULT);
        clients.start(2 + rnd.nextInt(4));
        nemesis.schedule(2 + rnd.nextInt(4), RUN);
        if (rnd.nextInt(4) == 0) { // every node crashes at once and comes back from its disk alone
            long at = 200 + rnd.nextLong(1_000);
            kv.sim.at(Duration.ofMillis(at), () -> kv.nodes.forEach(kv.sim::crash));
            kv.sim.at(Duration.ofMillis(at + 1 + rnd.nextLong(50)), () -> {
                for (NodeId node : kv.nodes) if (!kv.sim.isUp(node)) kv.sim.restart(node);
            });
        }
        kv.sim.runFor(RUN);
        nemesis.healAll();
        kv.sim.runFor(Duration.ofMillis(QuorumSettings.sim().deadlineMs() + 100)); // every request is answered
        clients.finalReadsSeeEveryAcknowledgedWrite(Duration.ofSeconds(3));
        LinearizabilityResult r = CHECKER.check(clients.history());
        if (r.verdict() != Verdict.VALID && System.getProperty("dsys.chain.trace") != null) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(System.getProperty("dsys.chain.trace")), kv.sim.trace(20_000));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        assertThat(r.verdict()).as("%s\nhistory:\n%s", r, clients.history().ops()).isEqualTo(Verdict.VALID);
        boolean whole = kv.sim.runUntil(c::converged, Duration.ofSeconds(10));
        assertThat(whole).as("not every replica rejoined with the same data: views %s", kv.nodes.stream()
                .map(c::view).toList()).isTrue();
        Map<String, Integer> out = new TreeMap<>(clients.outcomes());
        out.put("crashes", nemesis.crashes());
        out.put("partitions", nemesis.partitions());
        out.put("view changes", (int) c.latestView().epoch());
        out.put("rejoins", (int) kv.sim.events().stream().filter(e -> e.kind().equals("kv.chain.copy.done")).count());
        out.put("acks checked", c.acksChecked);
        out.put("primary moves", (int) kv.sim.events().stream().filter(e -> e.kind().equals("kv.pb.move")).count());
        return out;
    }
}
