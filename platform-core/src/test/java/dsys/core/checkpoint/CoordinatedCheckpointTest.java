package dsys.core.checkpoint;

import dsys.core.checkpoint.CheckpointRequests.Paid;
import dsys.core.checkpoint.CheckpointRequests.Recover;
import dsys.core.checkpoint.CheckpointRequests.Restored;
import dsys.core.checkpoint.CheckpointRequests.RoundOutcome;
import dsys.core.checkpoint.CheckpointRequests.TakeCheckpoint;
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
import java.util.concurrent.atomic.AtomicLong;

import static dsys.core.checkpoint.BankSim.TIMING;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coordinated checkpointing, two-phase blocking protocol, in the simulator. Every global checkpoint the coordinator
 * committed — the rounds the test saw it log as committed — is judged on the tentative checkpoints the test saw
 * each process write for that round: a consistent cut by the {@link CutOracle}, with each checkpoint recording
 * only sends and receipts that had happened when it was written. A recovery then restores it: each process ends as
 * its checkpoint plus the transfers that were in transit across it.
 */
class CoordinatedCheckpointTest {

    private static final NodeId COORDINATOR = NodeId.of("ckpt-1");
    private static final String[] PROCESS_POINTS = {CoordinatedProcess.AFTER_TENTATIVE, CoordinatedProcess.AFTER_ACK, CoordinatedProcess.BEFORE_PERMANENT};
    private static final String[] COORDINATOR_POINTS = {CheckpointCoordinator.AFTER_REQUEST_SENT, CheckpointCoordinator.AFTER_COMMIT_LOGGED};

    private static BankSim cluster(long seed, Duration every) {
        BankSim b = new BankSim(seed, 3);
        b.addBanks(env -> new CoordinatedProcess(env, BankSim.OPENING, COORDINATOR, TIMING));
        b.add(COORDINATOR, env -> new CheckpointCoordinator(env, b.banks, every, TIMING));
        return b;
    }

    @Test
    void everyGlobalCheckpointIsConsistentAndRecoveryRestoresIt_underFaults() {
        AtomicLong committedWithMoneyInTransit = new AtomicLong(), aborted = new AtomicLong(), seeds = new AtomicLong();
        Seeds.run("two-phase blocking checkpoints under faults", 200, seed -> {
            seeds.incrementAndGet();
            randomRun(seed, committedWithMoneyInTransit, aborted);
        });
        if (seeds.get() >= 50) { // the schedules really put money in transit across global checkpoints, and abort rounds
            assertThat(committedWithMoneyInTransit.get()).as("global checkpoints with money in transit across them").isGreaterThan(seeds.get() / 10);
            assertThat(aborted.get()).as("rounds aborted by a crash").isGreaterThan(seeds.get() / 40);
        }
    }

    private static void randomRun(long seed, AtomicLong committedWithMoneyInTransit, AtomicLong aborted) {
        Random rnd = new Random(seed);
        BankSim b = cluster(seed, Duration.ofMillis(60 + rnd.nextInt(60)));
        b.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(0.05).duplicate(0.05).reorder(0.1, Duration.ofMillis(10));
        b.randomPayments(rnd, 40, 0, 1000);
        NodeId victim = rnd.nextInt(4) == 0 ? COORDINATOR : b.banks.get(rnd.nextInt(3));
        int crashAt = 100 + rnd.nextInt(700);
        b.sim.at(Duration.ofMillis(crashAt), () -> b.sim.crash(victim));
        b.sim.armCrashPoint(b.banks.get(rnd.nextInt(3)), PROCESS_POINTS[rnd.nextInt(PROCESS_POINTS.length)]);
        if (rnd.nextInt(3) == 0) b.sim.armCrashPoint(COORDINATOR, COORDINATOR_POINTS[rnd.nextInt(COORDINATOR_POINTS.length)]);
        for (int t = 150; t <= 3000; t += 30 + rnd.nextInt(100)) b.sim.at(Duration.ofMillis(t), b::restartWhatIsDown);
        SimRequest recovery = b.sim.requestAt(Duration.ofMillis(1200), COORDINATOR, new Recover());

        boolean done = b.sim.runUntil(() -> recovery.finished() && b.quiescent(), Duration.ofSeconds(10));
        assertThat(done).as(() -> "recovered and quiescent\n" + b.sim.trace(30)).isTrue();

        // Every round the coordinator logged as committed is a consistent global checkpoint.
        for (long round : committedRounds(b)) {
            Map<String, ProcessState> cut = new TreeMap<>();
            for (NodeId n : b.banks) {
                Recorder.Write w = tentative(b, n, round);
                ProcessState s = CoordinatedCheckpoint.decode(w.value()).state();
                cut.put(n.value(), s);
                for (NodeId peer : b.banks) {
                    for (String id : s.transfersSentTo(peer.value())) assertThat(b.recorder.firstSend(id)).as(() -> n + " round " + round + " sent " + id).isLessThan(w.order());
                    for (String id : s.transfersReceivedFrom(peer.value())) assertThat(b.recorder.arrival(n.value(), id)).as(() -> n + " round " + round + " received " + id).isLessThan(w.order());
                }
            }
            assertThat(CutOracle.problems(cut, b.ledger)).as(() -> "global checkpoint of round " + round).isEmpty();
            assertThat(CutOracle.money(cut, b.ledger)).isEqualTo(b.ledger.total());
            if (cut.keySet().stream().anyMatch(p -> cut.keySet().stream().anyMatch(q -> !CutOracle.inTransit(cut, p, q).isEmpty()))) {
                committedWithMoneyInTransit.incrementAndGet();
            }
        }
        aborted.addAndGet(b.sim.events().stream().filter(e -> e.kind().equals("checkpoint.round-aborted")).count());

        // The recovery restored the global checkpoint it names (payments were over by then).
        if (recovery.done()) {
            Restored r = (Restored) recovery.result();
            Map<String, ProcessState> cut = new TreeMap<>();
            for (NodeId n : b.banks) cut.put(n.value(), CoordinatedCheckpoint.decode(tentative(b, n, r.checkpoint()).value()).state());
            List<Long> committed = committedRounds(b);
            assertThat(r.checkpoint()).isEqualTo(committed.get(committed.size() - 1));
            for (NodeId n : b.banks) {
                ProcessState expected = BankSim.afterReplay(cut, n.value(), b.ledger);
                assertThat(BankSim.sameMoney(b.view(n).state(), expected, cut.keySet()))
                        .as(() -> n + " after restoring round " + r.checkpoint() + ": " + b.view(n).state() + "\nexpected " + expected).isTrue();
            }
        }

        // and the bank goes on, checkpoints and all
        long from = b.sim.now() / 1_000_000 + 1;
        b.randomPayments(rnd, 10, (int) from, (int) from + 300);
        SimRequest round = b.sim.requestAt(Duration.ofMillis(from + 150), COORDINATOR, new TakeCheckpoint());
        assertThat(b.sim.runUntil(() -> round.finished() && b.payments.stream().allMatch(SimRequest::finished) && b.quiescent(), Duration.ofSeconds(5))).isTrue();
        b.assertSettled();
    }

    /** The rounds the coordinator wrote to stable storage as committed (0, the initial state, always is). */
    private static List<Long> committedRounds(BankSim b) {
        List<Long> rounds = new ArrayList<>(List.of(0L));
        for (Recorder.Write w : b.recorder.writes()) {
            if (w.node().equals(COORDINATOR.value()) && w.key().equals(CheckpointCoordinator.COMMITTED)) rounds.add(Long.parseLong(w.value()));
        }
        return rounds;
    }

    /** The checkpoint {@code n} wrote for {@code round}: its tentative one, or for round 0 its initial one. */
    private static Recorder.Write tentative(BankSim b, NodeId n, long round) {
        String key = round == 0 ? CoordinatedProcess.PERMANENT : CoordinatedProcess.TENTATIVE;
        return b.recorder.writes().stream().filter(w -> w.node().equals(n.value()) && w.key().equals(key) && w.value() != null
                && w.value().startsWith(round + "#")).findFirst().orElseThrow();
    }

    /** Between its tentative checkpoint and CHECKPOINT_DONE a process sends nothing: a payment waits, then goes. */
    @Test
    void sendingIsBlockedFromTheTentativeCheckpointToCheckpointDone() {
        BankSim b = cluster(1, null);
        b.sim.network().delay(Duration.ofMillis(5), Duration.ofMillis(5));
        NodeId p = b.banks.get(0);
        b.sim.runFor(Duration.ofMillis(1));
        SimRequest round = b.sim.request(COORDINATOR, new TakeCheckpoint());
        b.sim.runFor(Duration.ofMillis(7)); // CHECKPOINT_REQUEST arrived at 6 ms, the acknowledgements arrive at 11
        assertThat(b.<CoordinatedProcess>core(p).sendingBlocked()).isTrue();
        SimRequest pay = b.pay(p, b.banks.get(1), 25);
        b.sim.runFor(Duration.ofMillis(3));
        assertThat(pay.finished()).as("payment held while blocked").isFalse();
        assertThat(b.sim.runUntil(round::done, Duration.ofSeconds(1))).isTrue();
        assertThat(round.result()).isEqualTo(new RoundOutcome(1, true));
        assertThat(pay.result()).isInstanceOf(Paid.class);
        assertThat(pay.completedAt()).as("sent when CHECKPOINT_DONE came (16 ms)").isEqualTo(Duration.ofMillis(16).toNanos());
        for (NodeId n : b.banks) {
            ProcessState s = CoordinatedCheckpoint.decode(b.sim.storage(n).get(CoordinatedProcess.PERMANENT).orElseThrow()).state();
            assertThat(s.balance()).as(() -> n + "'s permanent checkpoint").isEqualTo(BankSim.OPENING);
        }
    }

    /** A process crashes right after its tentative checkpoint: the round is aborted, the others discard theirs. */
    @Test
    void aCrashDuringTheRoundAbortsIt_andRecoveryRollsBackToTheLastGlobalCheckpoint() {
        BankSim b = cluster(1, null);
        b.sim.network().delay(Duration.ofMillis(2), Duration.ofMillis(2));
        NodeId p = b.banks.get(0), q = b.banks.get(1);
        b.sim.runFor(Duration.ofMillis(1));
        b.pay(p, q, 10);
        b.sim.runFor(Duration.ofMillis(10));
        SimRequest first = b.sim.request(COORDINATOR, new TakeCheckpoint());
        assertThat(b.sim.runUntil(first::done, Duration.ofSeconds(1))).isTrue();
        assertThat(first.result()).isEqualTo(new RoundOutcome(1, true));

        b.pay(q, p, 30);
        b.sim.runFor(Duration.ofMillis(10));
        b.sim.armCrashPoint(q, CoordinatedProcess.AFTER_TENTATIVE);
        SimRequest second = b.sim.request(COORDINATOR, new TakeCheckpoint());
        b.sim.runFor(TIMING.roundTimeout().plusMillis(20));
        assertThat(b.sim.isUp(q)).isFalse();
        for (NodeId n : List.of(p, b.banks.get(2))) {
            assertThat(b.sim.storage(n).get(CoordinatedProcess.TENTATIVE)).as(() -> n + " discarded its tentative checkpoint").isEmpty();
            assertThat(b.<CoordinatedProcess>core(n).sendingBlocked()).as(() -> n + " sends again").isFalse();
            assertThat(CoordinatedCheckpoint.decode(b.sim.storage(n).get(CoordinatedProcess.PERMANENT).orElseThrow()).round()).isEqualTo(1);
        }
        assertThat(b.sim.events()).anyMatch(e -> e.kind().equals("checkpoint.round-aborted"));

        b.sim.restart(q); // back without its state: everyone rolls back to round 1
        assertThat(b.sim.runUntil(() -> second.done() && b.quiescent(), Duration.ofSeconds(1))).isTrue();
        assertThat(second.result()).isEqualTo(new RoundOutcome(2, false));
        assertThat(b.view(p).state().balance()).as("the payment of 30 came after round 1: undone").isEqualTo(90);
        assertThat(b.view(q).state().balance()).isEqualTo(110);
        b.assertSettled();
    }

    /** The coordinator crashes after logging the commit: back, it sends CHECKPOINT_DONE again and the round stands. */
    @Test
    void aCoordinatorCrashAfterTheCommitPointStillCommits() {
        BankSim b = cluster(1, null);
        b.sim.runFor(Duration.ofMillis(1));
        b.sim.armCrashPoint(COORDINATOR, CheckpointCoordinator.AFTER_COMMIT_LOGGED);
        b.sim.request(COORDINATOR, new TakeCheckpoint());
        b.sim.runFor(Duration.ofMillis(100));
        assertThat(b.sim.isUp(COORDINATOR)).isFalse();
        for (NodeId n : b.banks) assertThat(b.<CoordinatedProcess>core(n).sendingBlocked()).as(() -> n + " waits for CHECKPOINT_DONE").isTrue();
        b.sim.restart(COORDINATOR);
        b.sim.runFor(Duration.ofMillis(100));
        for (NodeId n : b.banks) {
            assertThat(b.<CoordinatedProcess>core(n).sendingBlocked()).isFalse();
            assertThat(CoordinatedCheckpoint.decode(b.sim.storage(n).get(CoordinatedProcess.PERMANENT).orElseThrow()).round()).isEqualTo(1);
        }
    }
}
