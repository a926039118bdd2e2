package dsys.core.commit;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dsys.core.commit.CommitCluster.ACCOUNTS;
import static dsys.core.commit.CommitCluster.COORDINATOR;
import static dsys.core.commit.CommitCluster.OPENING;
import static dsys.core.commit.CommitCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random transfers under faults, judged from the disks and the clients' answers (not the cores' events):
 * every participant of a transaction ends in the coordinator's outcome (atomicity); a commit has a logged
 * vote-commit at every participant; what a client was told is what happened; the balances are exactly the
 * opening ones plus the committed transfers (so a committed transaction survived every crash, and an aborted
 * one left nothing); nothing stays locked; every transaction ends once the faults heal.
 * 2PC gets everything: loss, duplication, reordering, partitions, crashes of any node, at random times and at
 * every named crash point. 3PC gets the same without partitions: it is safe only in the synchronous model it
 * assumes ({@link ThreePhaseScenariosTest} shows a partition making it decide both ways).
 */
class AtomicCommitTest {

    static final String[] COORDINATOR_POINTS = {CommitCoordinator.BEFORE_PREPARE, CommitCoordinator.AFTER_PREPARE_SENT,
            CommitCoordinator.BEFORE_DECISION, CommitCoordinator.AFTER_DECISION_LOGGED,
            CommitCoordinator.AFTER_DECISION_SENT_TO_SOME, CommitCoordinator.DURING_RECOVERY};
    static final String[] PARTICIPANT_POINTS = {CommitParticipant.BEFORE_PREPARE, CommitParticipant.BEFORE_VOTE_SENT,
            CommitParticipant.AFTER_VOTE_LOGGED, CommitParticipant.AFTER_DECISION_LOGGED, CommitParticipant.DURING_RECOVERY};

    private static final java.util.concurrent.atomic.AtomicLong SNAPSHOTS_JUDGED = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.concurrent.atomic.AtomicLong PREPARES_UNDONE = new java.util.concurrent.atomic.AtomicLong();

    @ParameterizedTest(name = "{0}, partitions {1}")
    @CsvSource({"2pc, true", "3pc, false"})
    void transfersStayAtomicUnderFaults(String protocol, boolean partitions) {
        long before = SNAPSHOTS_JUDGED.get();
        Seeds.run(protocol + " transfers under faults", 300, seed -> run(seed, CommitProtocol.parse(protocol), partitions, CommitCluster.Settings.DEFAULT));
        assertThat(SNAPSHOTS_JUDGED.get() - before).as("committed snapshots judged (a check that never runs checks nothing)").isPositive();
    }

    /**
     * The same under participants whose prepares answer up to 600 ms later ({@link DelayedResources}), past the
     * coordinator's 300 ms vote timeout: global-aborts, and 3PC's state requests, reach participants whose locks are
     * still on their way. The judge's "nothing stays locked" is what this is about.
     */
    @ParameterizedTest(name = "{0}, partitions {1}, prepares still running")
    @CsvSource({"2pc, true", "3pc, false"})
    void transfersStayAtomicWhilePreparesAreStillRunning(String protocol, boolean partitions) {
        long before = PREPARES_UNDONE.get();
        Seeds.run(protocol + " transfers, late prepares", 200, seed -> run(seed, CommitProtocol.parse(protocol), partitions,
                CommitCluster.Settings.DEFAULT.prepareDelay(Duration.ofMillis(600))));
        assertThat(PREPARES_UNDONE.get() - before).as("prepares that answered after their transaction ended (the path under test ran)").isPositive();
    }

    private static void run(long seed, CommitProtocol protocol, boolean partitions, CommitCluster.Settings settings) {
        CommitCluster c = new CommitCluster(seed, settings);
        Random rnd = new Random(seed);
        c.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(15)).loss(0.05).duplicate(0.05)
                .reorder(0.1, Duration.ofMillis(10));
        // one named crash point on the coordinator and one on a participant, plus a crash at a random time
        c.sim.armCrashPoint(COORDINATOR, COORDINATOR_POINTS[rnd.nextInt(COORDINATOR_POINTS.length)]);
        c.sim.armCrashPoint(PARTICIPANTS.get(rnd.nextInt(3)), PARTICIPANT_POINTS[rnd.nextInt(PARTICIPANT_POINTS.length)]);
        NodeId victim = rnd.nextBoolean() ? COORDINATOR : PARTICIPANTS.get(rnd.nextInt(3));
        c.sim.at(Duration.ofMillis(rnd.nextInt(3000)), () -> {
            if (c.sim.isUp(victim)) c.sim.crash(victim);
        });
        if (partitions) {
            int at = rnd.nextInt(3000);
            List<NodeId> all = new ArrayList<>(c.sim.nodes());
            java.util.Collections.shuffle(all, rnd);
            int cut = 1 + rnd.nextInt(all.size() - 1);
            c.sim.at(Duration.ofMillis(at), () -> c.sim.network().partition(all.subList(0, cut), all.subList(cut, all.size())));
            c.sim.at(Duration.ofMillis(at + 200 + rnd.nextInt(1500)), () -> c.sim.network().heal());
        }
        for (int t = 400; t <= 6000; t += 400 + rnd.nextInt(400)) c.sim.at(Duration.ofMillis(t), () -> c.restartWhatIsDown(rnd));
        c.sim.at(Duration.ofMillis(6000), () -> c.sim.network().heal().loss(0).duplicate(0));

        Map<String, Map<String, List<TxnOp>>> issued = new HashMap<>();
        Map<String, SimRequest> requests = new HashMap<>();
        for (int i = 0; i < 16; i++) {
            int from = rnd.nextInt(ACCOUNTS), to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            Map<String, List<TxnOp>> ops = CommitCluster.transfer(from, to, 1 + rnd.nextInt(60));
            String key = "t" + i;
            issued.put("key-" + key, ops);
            requests.put("key-" + key, c.sim.requestAt(Duration.ofMillis(rnd.nextInt(4000)), COORDINATOR,
                    new CommitRequests.Begin(protocol, ops, key)));
        }

        // Read-only transactions of every account: each read-locks them all at once, so a committed one's reads
        // are one snapshot, and the money in it adds up whatever transfers run around it.
        Map<String, List<TxnOp>> everything = new HashMap<>();
        for (int a = 0; a < ACCOUNTS; a++) everything.computeIfAbsent(CommitCluster.home(a).value(), k -> new ArrayList<>()).add(TxnOp.get(CommitCluster.account(a)));
        List<SimRequest> snapshots = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String key = "s" + i;
            issued.put("key-" + key, everything);
            SimRequest r = c.sim.requestAt(Duration.ofMillis(rnd.nextInt(5000)), COORDINATOR, new CommitRequests.Begin(protocol, everything, key));
            requests.put("key-" + key, r);
            snapshots.add(r);
        }

        boolean ended = c.sim.runUntil(() -> c.sim.now() > Duration.ofMillis(6000).toNanos() && allEnded(c, issued), Duration.ofSeconds(60));
        assertThat(ended).as("every transaction ends once the faults heal\n" + describe(c, issued)).isTrue();

        Map<Integer, Long> expected = new HashMap<>();
        for (int a = 0; a < ACCOUNTS; a++) expected.put(a, OPENING);
        for (Map.Entry<String, Map<String, List<TxnOp>>> e : issued.entrySet()) {
            String txn = e.getKey();
            TxnState outcome = c.coordinatorLogged(txn);
            for (String p : e.getValue().keySet()) {
                TxnState ps = c.logged(NodeId.of(p), txn);
                if (outcome == null || outcome == TxnState.ABORT) {
                    assertThat(ps).as(txn + " at " + p + " (coordinator: " + outcome + ")").isIn(null, TxnState.ABORT);
                } else {
                    assertThat(ps).as(txn + " at " + p + ": atomicity").isEqualTo(TxnState.COMMIT);
                }
            }
            SimRequest r = requests.get(txn);
            if (r.done() && r.result() instanceof CommitRequests.Outcome o) {
                assertThat(o.committed()).as(txn + ": what the client was told").isEqualTo(outcome == TxnState.COMMIT);
            }
            if (outcome == TxnState.COMMIT) {
                for (List<TxnOp> ops : e.getValue().values()) {
                    for (TxnOp op : ops) {
                        if (!op.writes()) continue;
                        int a = Integer.parseInt(op.key().substring("acct-".length()));
                        expected.merge(a, Long.parseLong(op.value()), Long::sum);
                    }
                }
            }
        }
        for (int a = 0; a < ACCOUNTS; a++) {
            assertThat(c.balance(a)).as("balance of acct-" + a + " = opening + committed transfers").isEqualTo(expected.get(a));
        }
        for (SimRequest r : snapshots) {
            if (!(r.done() && r.result() instanceof CommitRequests.Outcome o && o.committed())) continue;
            assertThat(o.reads()).as(o.txn() + ": a committed read of every account").hasSize(ACCOUNTS);
            assertThat(o.reads().stream().mapToLong(x -> Long.parseLong(x.value())).sum())
                    .as(o.txn() + ": the money in one snapshot " + o.reads()).isEqualTo(ACCOUNTS * OPENING);
            SNAPSHOTS_JUDGED.incrementAndGet();
        }
        for (NodeId p : PARTICIPANTS) assertThat(c.participant(p).resources().locks()).as("locks left at " + p).isEmpty();
        for (NodeId p : PARTICIPANTS) assertThat(c.resources(p).prepared()).as("intents left on " + p + "'s disk").isEmpty();
        PREPARES_UNDONE.addAndGet(c.sim.events().stream().filter(e -> e.kind().equals("txn.prepare.undone")).count());
    }

    /** Every issued transaction the coordinator knows is decided there and at each of its participants. */
    private static boolean allEnded(CommitCluster c, Map<String, Map<String, List<TxnOp>>> issued) {
        for (NodeId n : c.sim.nodes()) if (!c.sim.isUp(n)) return false;
        for (Map.Entry<String, Map<String, List<TxnOp>>> e : issued.entrySet()) {
            TxnState outcome = c.coordinatorLogged(e.getKey());
            if (outcome == null) continue; // never began (the coordinator was down or crashed before logging it)
            if (!outcome.decided()) return false;
            for (String p : e.getValue().keySet()) {
                TxnState ps = c.logged(NodeId.of(p), e.getKey());
                if (ps == null ? outcome == TxnState.COMMIT : !ps.decided()) return false;
            }
        }
        for (NodeId p : PARTICIPANTS) if (!c.participant(p).resources().locks().isEmpty()) return false;
        return true;
    }

    private static String describe(CommitCluster c, Map<String, Map<String, List<TxnOp>>> issued) {
        StringBuilder b = new StringBuilder();
        issued.keySet().stream().sorted().forEach(txn -> {
            b.append(txn).append(": coordinator ").append(c.coordinatorLogged(txn));
            for (String p : issued.get(txn).keySet()) b.append(", ").append(p).append(' ').append(c.logged(NodeId.of(p), txn));
            b.append('\n');
        });
        for (NodeId p : PARTICIPANTS) b.append(p).append(" locks ").append(c.participant(p).resources().locks()).append('\n');
        return b + c.sim.trace(40);
    }
}
