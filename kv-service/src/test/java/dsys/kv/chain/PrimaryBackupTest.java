package dsys.kv.chain;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The primary-backup mode (notes §4.3.2.1) in the simulator: the chain's seeded fault schedules with a star of links,
 * remote and local writes, checked the same way ({@link ChainLinearizabilityTest}: linearizable from what the clients
 * saw, acknowledged ⇒ on every member's disk, one reader at a time, whole again after healing); the local-write
 * mode's role moving to the writer; and fail-over within 2 s of killing the primary or a backup.
 * {@code -Ddsys.seeds=N} for more, {@code -Ddsys.seed=S} to replay.
 */
class PrimaryBackupTest {

    @ParameterizedTest
    @CsvSource({"3, remote", "5, remote", "3, local", "5, local"})
    void linearizableUnderFaultsAndWholeAgainAfterHealing(int n, String writeMode) {
        Map<String, Integer> totals = new TreeMap<>();
        long start = System.nanoTime();
        int seeds = (n == 3 ? ChainLinearizabilityTest.SEEDS : ChainLinearizabilityTest.SEEDS / 2) / 2;
        Seeds.run("primary-backup (" + writeMode + " write) of " + n + " under faults", seeds,
                seed -> ChainLinearizabilityTest.run(n, seed, Shape.STAR, writeMode).forEach((k, v) -> totals.merge(k, v, Integer::sum)));
        System.out.printf("primary-backup %s of %d: %d ms, %s%n", writeMode, n, (System.nanoTime() - start) / 1_000_000, totals);
        assertThat(totals.getOrDefault("write ok", 0)).as("writes succeeded").isPositive();
        assertThat(totals.getOrDefault("cas ok", 0)).as("compare-and-sets succeeded").isPositive();
        assertThat(totals.getOrDefault("read ok", 0)).as("reads succeeded").isPositive();
        assertThat(totals.getOrDefault("view changes", 0)).as("views changed").isPositive();
        assertThat(totals.getOrDefault("rejoins", 0)).as("nodes copied the primary and rejoined").isPositive();
        if (writeMode.equals("local")) assertThat(totals.getOrDefault("primary moves", 0)).as("the primary role moved").isPositive();
        else assertThat(totals.getOrDefault("primary moves", 0)).as("remote writes never move the primary").isZero();
    }

    @Test
    void remoteWritesGoToThePrimaryWhichAnswersOnceEveryBackupHoldsThem() {
        ChainSim c = new ChainSim(7, 3, QuorumSettings.sim(), Shape.STAR, null);
        var kv = c.kv;
        kv.sim.runFor(Duration.ofMillis(300));
        SimRequest w = kv.put(c.node(3), "k", "v1");
        assertThat(kv.sim.runUntil(w::done, Duration.ofSeconds(2))).isTrue();
        assertThat(w.result()).isInstanceOf(KvReplies.Written.class);
        KvReplies.Written written = (KvReplies.Written) w.result();
        assertThat(written.messages()).as("kv-3 forwarded to the primary kv-1").containsKey("WriteForward");
        for (NodeId n : kv.nodes) {
            assertThat(ChainStore.storedVersion(kv.sim.storage(n), "chain", "k")).as(n + "'s disk").isEqualTo(written.version());
        }
        assertThat(c.view(c.node(1)).head()).as("the primary stays kv-1").isEqualTo("kv-1");
        assertThat(c.store(c.node(1)).roles()).containsEntry("primary", "kv-1").containsEntry("backups", List.of("kv-2", "kv-3"));
        assertThat(c.acksChecked).isPositive();
    }

    @Test
    void localWritesMoveThePrimaryToTheWriterAndLaterWritesThereSendNoForward() {
        ChainSim c = new ChainSim(11, 3, QuorumSettings.sim(), Shape.STAR, "local");
        var kv = c.kv;
        kv.sim.runFor(Duration.ofMillis(300));
        SimRequest first = kv.put(c.node(3), "k", "v1");
        assertThat(kv.sim.runUntil(first::done, Duration.ofSeconds(2))).isTrue();
        assertThat(first.result()).isInstanceOf(KvReplies.Written.class);
        assertThat(c.view(c.node(3)).head()).as("kv-3 took the primary role for its write").isEqualTo("kv-3");
        assertThat(kv.sim.events().stream().filter(e -> e.kind().equals("kv.pb.move")).count()).isEqualTo(1);
        SimRequest second = kv.put(c.node(3), "k", "v2");
        assertThat(kv.sim.runUntil(second::done, Duration.ofSeconds(2))).isTrue();
        KvReplies.Written w = (KvReplies.Written) second.result();
        assertThat(w.messages()).as("written at the primary itself").doesNotContainKey("WriteForward");
        SimRequest read = kv.get(c.node(1), "k", dsys.kv.quorum.ReadLevel.LINEARIZABLE);
        assertThat(kv.sim.runUntil(read::done, Duration.ofSeconds(2))).isTrue();
        assertThat(((KvReplies.Value) read.result()).value()).isEqualTo("v2");
        for (NodeId n : kv.nodes) {
            assertThat(ChainStore.storedVersion(kv.sim.storage(n), "chain", "k")).as(n + "'s disk").isEqualTo(w.version());
        }
    }

    @Test
    void writesAreServedAgainWithinTwoSecondsAfterThePrimaryOrABackupIsKilled() {
        List<String> lines = new ArrayList<>();
        long worst = 0;
        for (String timings : List.of("live", "sim")) {
            QuorumSettings settings = timings.equals("live") ? QuorumSettings.live() : QuorumSettings.sim();
            for (int n : new int[]{3, 5}) {
                for (ChainFailoverTest.Victim victim : List.of(ChainFailoverTest.Victim.HEAD, ChainFailoverTest.Victim.TAIL)) {
                    List<Long> ms = new ArrayList<>();
                    for (long seed = 1; seed <= 6; seed++) {
                        ms.add(ChainFailoverTest.failover(new ChainSim(seed, n, settings, Shape.STAR, null), seed, settings, victim));
                    }
                    Collections.sort(ms);
                    worst = Math.max(worst, ms.get(ms.size() - 1));
                    lines.add(String.format("%-4s timings, %d replicas, kill %-7s: median %4d ms, max %4d ms over %d seeds",
                            timings, n, victim == ChainFailoverTest.Victim.HEAD ? "primary" : "backup",
                            ms.get(ms.size() / 2), ms.get(ms.size() - 1), ms.size()));
                }
            }
        }
        lines.forEach(System.out::println);
        assertThat(worst).as("slowest fail-over (ms)").isLessThanOrEqualTo(2_000);
    }
}
