package dsys.core.checkpoint;

import dsys.core.checkpoint.CheckpointRequests.Paid;
import dsys.core.checkpoint.CheckpointRequests.Recover;
import dsys.core.checkpoint.CheckpointRequests.RecoveryOutcome;
import dsys.core.checkpoint.CheckpointRequests.TakeCheckpoint;
import dsys.core.checkpoint.IndependentMessages.CheckpointsReport;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static dsys.core.checkpoint.BankSim.TIMING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Independent checkpointing in the simulator. The recovery line the manager computes is judged on the checkpoints
 * as the test saw them written to stable storage (a {@link Recorder} replays each process's disk up to the moment
 * it reported): the line's checkpoints form a consistent cut by the {@link CutOracle}, and brute force over every
 * combination of the checkpoints there were finds no consistent cut later than it. After the rollback each process
 * ends as its line checkpoint plus the transfers that were in transit across the line, and the bank goes on.
 */
class IndependentCheckpointingTest {

    private static final NodeId MANAGER = NodeId.of("ckpt-1");

    private static BankSim cluster(long seed, int n, Duration every) {
        BankSim b = new BankSim(seed, n);
        b.addBanks(env -> new IndependentProcess(env, BankSim.OPENING, MANAGER, every, TIMING));
        b.add(MANAGER, env -> new RecoveryManager(env, b.banks, TIMING));
        return b;
    }

    /**
     * The notes' domino effect, live: P and Q each checkpoint right after receiving a payment the other sent after
     * its own latest checkpoint. Q crashes; P keeps its current state as a checkpoint, but every checkpoint of
     * either records a receipt the other's later checkpoint cannot match, and the line falls back to the start.
     */
    @Test
    void dominoEffect_aCrashRollsEveryoneBackToTheInitialState() {
        BankSim b = dominoThenRecovery();
        NodeId p = b.banks.get(0), q = b.banks.get(1);
        // and the bank goes on from the initial state
        SimRequest again = b.pay(p, q, 30);
        assertThat(b.sim.runUntil(() -> again.done() && b.quiescent(), Duration.ofSeconds(2))).isTrue();
        assertThat(again.result()).isInstanceOf(Paid.class);
        assertThat(b.view(q).state().balance()).isEqualTo(BankSim.OPENING + 30);
        b.assertSettled();
    }

    /**
     * The checkpoints a rollback discarded belong to an abandoned future: when Q crashes again later, it recovers from
     * the checkpoints it took since, not from a higher-numbered discarded one.
     */
    @Test
    void aCrashAfterARollbackRecoversFromTheNewCheckpointsNotTheDiscardedOnes() {
        BankSim b = dominoThenRecovery();
        NodeId p = b.banks.get(0), q = b.banks.get(1);
        for (int i = 0; i < 3; i++) checkpoint(b, p);
        step(b, p, q, 30);
        checkpoint(b, q);
        b.sim.crash(q);
        b.sim.restart(q);
        SimRequest recovery = b.sim.request(MANAGER, new Recover());
        assertThat(b.sim.runUntil(() -> recovery.done() && b.quiescent(), Duration.ofSeconds(2))).isTrue();
        assertThat(((RecoveryOutcome) recovery.result()).line()).as("P's current state (4), Q's checkpoint after the payment (1)")
                .isEqualTo(Map.of("bank-1", 4, "bank-2", 1));
        assertThat(b.view(q).state().balance()).isEqualTo(BankSim.OPENING + 30);
        b.assertSettled();
    }

    /**
     * The notes' domino effect, live: P and Q each checkpoint right after receiving a payment the other sent after
     * its own latest checkpoint. Q crashes; P keeps its current state as a checkpoint, but every checkpoint of
     * either records a receipt the other's later checkpoint cannot match, and the line falls back to the start.
     */
    private static BankSim dominoThenRecovery() {
        BankSim b = cluster(1, 2, null);
        b.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(1));
        NodeId p = b.banks.get(0), q = b.banks.get(1);
        b.sim.runFor(Duration.ofMillis(5));
        for (int i = 0; i < 3; i++) {
            step(b, q, p, 5 + i);
            checkpoint(b, p);
            step(b, p, q, 7 + i);
            checkpoint(b, q);
        }
        step(b, q, p, 3);
        b.sim.crash(q);
        b.sim.runFor(Duration.ofMillis(5));
        b.sim.restart(q);
        SimRequest recovery = b.sim.request(MANAGER, new Recover());
        assertThat(b.sim.runUntil(recovery::done, Duration.ofSeconds(2))).isTrue();

        RecoveryOutcome out = (RecoveryOutcome) recovery.result();
        assertThat(out.line()).as("recovery line").isEqualTo(Map.of("bank-1", 0, "bank-2", 0));
        for (NodeId n : b.banks) {
            ProcessState s = b.view(n).state();
            assertThat(s.balance()).isEqualTo(BankSim.OPENING);
            assertThat(s.transfersSentTo(n.equals(p) ? "bank-2" : "bank-1")).isEmpty();
        }
        assertThat(b.sim.events()).filteredOn(e -> e.kind().equals("checkpoint.recovery-line"))
                .anySatisfy(e -> assertThat((List<?>) e.fields().get("backToInitialState")).hasSize(2));
        assertThat(b.sim.events()).filteredOn(e -> e.kind().equals("checkpoint.rollback")).extracting(e -> e.fields().get("discarded"))
                .as("checkpoints discarded by P (its current one too) and Q").containsExactlyInAnyOrder(4, 3);
        return b;
    }

    /** The same payments, each checkpoint taken right after a send: Q's crash costs only Q's work since its latest. */
    @Test
    void checkpointsAfterSends_noDomino() {
        BankSim b = cluster(1, 2, null);
        b.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(1));
        NodeId p = b.banks.get(0), q = b.banks.get(1);
        b.sim.runFor(Duration.ofMillis(5));
        for (int i = 0; i < 3; i++) {
            step(b, q, p, 5 + i);
            checkpoint(b, q);
            step(b, p, q, 7 + i);
            checkpoint(b, p);
        }
        long pBefore = b.view(p).state().balance();
        b.sim.crash(q);
        b.sim.restart(q);
        SimRequest recovery = b.sim.request(MANAGER, new Recover());
        assertThat(b.sim.runUntil(recovery::done, Duration.ofSeconds(2))).isTrue();
        RecoveryOutcome out = (RecoveryOutcome) recovery.result();
        assertThat(out.line()).as("P keeps its current state (checkpoint 4), Q its latest").isEqualTo(Map.of("bank-1", 4, "bank-2", 3));
        assertThat(b.sim.runUntil(b::quiescent, Duration.ofSeconds(2))).isTrue();
        assertThat(b.view(p).state().balance()).isEqualTo(pBefore);
        b.assertSettled();
    }

    private static void step(BankSim b, NodeId from, NodeId to, long amount) {
        SimRequest r = b.pay(from, to, amount);
        b.sim.runFor(Duration.ofMillis(5));
        assertThat(r.result()).isInstanceOf(Paid.class);
    }

    private static void checkpoint(BankSim b, NodeId n) {
        b.sim.request(n, new TakeCheckpoint());
        b.sim.runFor(Duration.ofMillis(1));
    }

    @Test
    void theRecoveryLineIsTheLatestConsistentCut_underFaults() {
        Seeds.run("independent checkpointing under faults", 200, IndependentCheckpointingTest::randomRun);
    }

    private static void randomRun(long seed) {
        Random rnd = new Random(seed);
        BankSim b = cluster(seed, 3, Duration.ofMillis(40 + rnd.nextInt(80)));
        b.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(0.05).duplicate(0.05).reorder(0.1, Duration.ofMillis(10));
        b.randomPayments(rnd, 40, 0, 1000);
        NodeId victim = b.banks.get(rnd.nextInt(3));
        int crashAt = 200 + rnd.nextInt(600);
        b.sim.at(Duration.ofMillis(crashAt), () -> b.sim.crash(victim));
        if (rnd.nextBoolean()) b.sim.armCrashPoint(b.banks.get(rnd.nextInt(3)), IndependentProcess.AFTER_QUERY_CHECKPOINT);
        if (rnd.nextInt(4) == 0) b.sim.armCrashPoint(MANAGER, RecoveryManager.AFTER_LINE);
        for (int t = crashAt + 30; t <= 3000; t += 30 + rnd.nextInt(100)) b.sim.at(Duration.ofMillis(t), b::restartWhatIsDown);
        SimRequest recovery = b.sim.requestAt(Duration.ofMillis(1100), MANAGER, new Recover());

        boolean recovered = b.sim.runUntil(() -> recovery.finished() && b.quiescent(), Duration.ofSeconds(10));
        assertThat(recovered).as(() -> "recovered and quiescent\n" + debug(b)).isTrue();
        if (recovery.crashed()) return; // the manager crashed at its crash point: its new round answers nobody
        RecoveryOutcome out = (RecoveryOutcome) recovery.result();

        // The checkpoints each process had when it reported to the round, as the test saw them written.
        TreeMap<String, List<ProcessState>> candidates = new TreeMap<>();
        TreeMap<String, List<Long>> writtenAt = new TreeMap<>();
        for (NodeId n : b.banks) {
            long reportedAt = b.recorder.sent(n.value(), CheckpointsReport.class).stream()
                    .filter(e -> e.getValue().round() == out.epoch()).mapToLong(Map.Entry::getKey).max().orElseThrow();
            List<ProcessState> states = new ArrayList<>();
            List<Long> at = new ArrayList<>();
            b.recorder.disk(n.value(), reportedAt).forEach((k, v) -> {
                if (!k.startsWith(IndependentProcess.CHECKPOINT)) return;
                IndependentCheckpoint cp = IndependentCheckpoint.decode(v, n.value());
                assertThat(cp.index()).as("checkpoint numbers are dense").isEqualTo(states.size());
                states.add(cp.state());
                at.add(b.recorder.writes().stream().filter(w -> w.node().equals(n.value()) && w.key().equals(k) && v.equals(w.value()))
                        .mapToLong(Recorder.Write::order).filter(o -> o < reportedAt).max().orElseThrow());
            });
            candidates.put(n.value(), states);
            writtenAt.put(n.value(), at);
        }

        TreeMap<String, ProcessState> lineCut = new TreeMap<>();
        out.line().forEach((n, k) -> lineCut.put(n, candidates.get(n).get(k)));
        assertThat(CutOracle.problems(lineCut, b.ledger)).as(() -> "the recovery line " + out.line() + " is consistent").isEmpty();
        assertThat(CutOracle.money(lineCut, b.ledger)).isEqualTo(b.ledger.total());
        honest(b, candidates, writtenAt);

        for (Map<String, Integer> cut : consistentCuts(candidates)) {
            for (String n : cut.keySet()) {
                assertThat(cut.get(n)).as(() -> "consistent cut " + cut + " is later than the line " + out.line()).isLessThanOrEqualTo(out.line().get(n));
            }
        }

        // No payment came after the recovery: each process is its line checkpoint plus what was in transit.
        for (NodeId n : b.banks) {
            ProcessState expected = BankSim.afterReplay(lineCut, n.value(), b.ledger);
            assertThat(BankSim.sameMoney(b.view(n).state(), expected, lineCut.keySet()))
                    .as(() -> n + " after recovery: " + b.view(n).state() + "\nexpected " + expected).isTrue();
        }

        // and the bank goes on
        b.randomPayments(rnd, 10, (int) (b.sim.now() / 1_000_000) + 1, (int) (b.sim.now() / 1_000_000) + 300);
        assertThat(b.sim.runUntil(() -> b.payments.stream().allMatch(SimRequest::finished) && b.quiescent(), Duration.ofSeconds(5))).isTrue();
        b.assertSettled();
    }

    static String debug(BankSim b) {
        StringBuilder s = new StringBuilder();
        b.sim.events().stream().filter(e -> !e.kind().equals("checkpoint.taken")).forEach(e -> s.append(e.trueTimeMs()).append(' ').append(e.node()).append(' ').append(e.kind()).append(' ').append(e.fields()).append('\n'));
        for (NodeId n : b.banks) s.append(b.sim.isUp(n) ? b.view(n).toString() : n + " down").append('\n');
        return s.toString();
    }

    /** Each checkpoint records only sends that had gone out and receipts that had come in when it was written. */
    static void honest(BankSim b, Map<String, List<ProcessState>> candidates, Map<String, List<Long>> writtenAt) {
        candidates.forEach((n, states) -> {
            for (int i = 0; i < states.size(); i++) {
                int k = i;
                long at = writtenAt.get(n).get(k);
                for (String peer : candidates.keySet()) {
                    for (String id : states.get(k).transfersSentTo(peer)) assertThat(b.recorder.firstSend(id)).as(() -> n + " checkpoint " + k + " sent " + id).isLessThan(at);
                    for (String id : states.get(k).transfersReceivedFrom(peer)) assertThat(b.recorder.arrival(n, id)).as(() -> n + " checkpoint " + k + " received " + id).isLessThan(at);
                }
            }
        });
    }

    /**
     * Every cut (one candidate checkpoint per process) with no orphan message, by brute force. Orphans are a matter of
     * pairs of processes, so the pairs are judged once and each cut looked up.
     */
    static List<Map<String, Integer>> consistentCuts(Map<String, List<ProcessState>> candidates) {
        List<String> ps = new ArrayList<>(candidates.keySet());
        boolean[][][][] ok = new boolean[ps.size()][ps.size()][][];
        for (int a = 0; a < ps.size(); a++) {
            for (int c = 0; c < ps.size(); c++) {
                if (a == c) continue;
                List<ProcessState> as = candidates.get(ps.get(a)), cs = candidates.get(ps.get(c));
                ok[a][c] = new boolean[as.size()][cs.size()];
                for (int i = 0; i < as.size(); i++) for (int j = 0; j < cs.size(); j++) ok[a][c][i][j] = CutOracle.noOrphans(ps.get(a), as.get(i), ps.get(c), cs.get(j));
            }
        }
        List<Map<String, Integer>> out = new ArrayList<>();
        int[] k = new int[ps.size()];
        while (true) {
            boolean consistent = true;
            for (int a = 0; a < ps.size() && consistent; a++) {
                for (int c = 0; c < ps.size() && consistent; c++) {
                    if (a != c && !ok[a][c][k[a]][k[c]]) consistent = false;
                }
            }
            if (consistent) {
                TreeMap<String, Integer> cut = new TreeMap<>();
                for (int a = 0; a < ps.size(); a++) cut.put(ps.get(a), k[a]);
                out.add(cut);
            }
            int d = 0;
            while (d < ps.size() && ++k[d] == candidates.get(ps.get(d)).size()) k[d++] = 0;
            if (d == ps.size()) return out;
        }
    }
}
