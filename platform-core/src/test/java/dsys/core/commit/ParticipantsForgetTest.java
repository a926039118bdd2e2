package dsys.core.commit;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static dsys.core.commit.CommitCluster.ACCOUNTS;
import static dsys.core.commit.CommitCluster.COORDINATOR;
import static dsys.core.commit.CommitCluster.OPENING;
import static dsys.core.commit.CommitCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Participants forget a transaction once the coordinator reports it ended (with a later vote-request) and a grace
 * period has passed; transfers stay atomic, judged from the money and from what clients were told, not from the
 * records the participants forget.
 */
class ParticipantsForgetTest {

    private static final Duration GRACE = Duration.ofMillis(200); // the simulated network delays a copy 25 ms at most
    private static final AtomicLong FORGOTTEN = new AtomicLong();

    private static CommitRequests.Begin transfer(int from, int to, long amount, String key) {
        return new CommitRequests.Begin(CommitProtocol.TWO_PHASE, CommitCluster.transfer(from, to, amount), key);
    }

    /** A cluster whose participants forget ended transactions a grace period after they are reported. */
    private static CommitCluster forgetting(long seed) {
        return new CommitCluster(seed, CommitCluster.Settings.DEFAULT.forgetAfter(GRACE));
    }

    private static int records(CommitCluster c) {
        int n = 0;
        for (NodeId p : PARTICIPANTS) n += c.sim.storage(p).scan("commit.p.").size();
        return n;
    }

    @Test
    void aParticipantKeepsOnlyWhatWasNotReportedEndedYet() {
        CommitCluster c = forgetting(5);
        for (int i = 0; i < 30; i++) {
            SimRequest r = c.sim.request(COORDINATOR, transfer(i % ACCOUNTS, (i + 1) % ACCOUNTS, 1, i % 3 == 0 ? "k" + i : null));
            c.sim.runFor(Duration.ofMillis(100));
            assertThat(((CommitRequests.Outcome) r.result()).committed()).isTrue();
        }
        c.sim.runFor(GRACE.multipliedBy(2));
        // 30 transfers, 2 participants each: 60 records without forgetting. Left: at most the last few per participant
        // (its latest transaction has no later vote-request to report it).
        assertThat(records(c)).as("participant records left of 60").isLessThanOrEqualTo(6);
        for (NodeId p : PARTICIPANTS) assertThat(c.participant(p).resources().locks()).isEmpty();
        long total = 0;
        for (int a = 0; a < ACCOUNTS; a++) total += c.balance(a);
        assertThat(total).isEqualTo(ACCOUNTS * OPENING);
        // ... and those last few go too once the participants ask about them (a grace period after their decision)
        c.sim.runFor(GRACE.multipliedBy(4));
        assertThat(records(c)).as("participant records left once they asked the coordinator").isZero();
    }

    /**
     * Reports lost with a crash: the coordinator's (its unsent reports live in memory) or a participant's (it had
     * the report, and its forgetting was still to come). Without the participants' questions their records stayed for
     * good; with them, every one goes within a few grace periods of quiet. Both kinds of restart: a new process, and
     * a recovering one.
     */
    @Test
    void recordsWhoseReportsACrashLost_goOnceTheParticipantsAsk() {
        for (boolean process : new boolean[]{true, false}) {
            for (NodeId victim : List.of(COORDINATOR, PARTICIPANTS.get(0), PARTICIPANTS.get(1))) {
                CommitCluster c = forgetting(7);
                for (int i = 0; i < 12; i++) {
                    SimRequest r = c.sim.request(COORDINATOR, transfer(i % ACCOUNTS, (i + 1) % ACCOUNTS, 1, null));
                    c.sim.runFor(Duration.ofMillis(20)); // back to back: reports pending in memory when the crash comes
                    c.sim.runUntil(r::done, Duration.ofSeconds(5));
                }
                c.sim.runFor(Duration.ofMillis(50));
                c.sim.crash(victim);
                c.sim.runFor(Duration.ofMillis(100));
                if (process) c.sim.restartProcess(victim);
                else c.sim.restart(victim);
                c.sim.runFor(GRACE.multipliedBy(6));
                assertThat(records(c)).as("records left after %s %s", victim, process ? "restarted as a new process" : "recovered").isZero();
                long total = 0;
                for (int a = 0; a < ACCOUNTS; a++) total += c.balance(a);
                assertThat(total).isEqualTo(ACCOUNTS * OPENING);
            }
        }
    }

    /**
     * The coordinator reports only what is not open: a transaction decided but not acknowledged by every participant
     * stays open, and a participant that asks about it keeps its record (a peer may still ask it for the outcome).
     * kv-2's messages to txn-1 are cut, so its vote and acknowledgement never arrive: the transfer aborts and stays
     * open while kv-1 asks, grace period after grace period. Healed, it ends, and both records go.
     */
    @Test
    void aTransactionStillOpenAtTheCoordinator_isNotReportedEnded() {
        CommitCluster c = forgetting(3);
        NodeId kv1 = PARTICIPANTS.get(0), kv2 = PARTICIPANTS.get(1);
        c.sim.network().block(kv2, COORDINATOR);
        SimRequest r = c.sim.request(COORDINATOR, transfer(0, 1, 5, null)); // acct-0 at kv-1, acct-1 at kv-2
        c.sim.runFor(GRACE.multipliedBy(10));
        String txn = ((CommitRequests.Outcome) r.result()).txn();
        assertThat(c.coordinator().openTransactions()).as("decided, not acknowledged by kv-2").isEqualTo(1);
        assertThat(c.sim.events()).as("kv-1 asked about it").anyMatch(e -> e.kind().equals("txn.ended.asked") && e.node().equals(kv1.value()));
        assertThat(c.logged(kv1, txn)).as("kv-1's record while the transaction is open").isEqualTo(TxnState.ABORT);
        c.sim.network().heal();
        c.sim.runFor(GRACE.multipliedBy(6));
        assertThat(c.coordinator().openTransactions()).isZero();
        assertThat(records(c)).as("records once it ended").isZero();
    }

    /**
     * A participant asked about a transaction it never saw aborts it there and then (INIT → ABORT), and must keep that
     * abort while a late vote-request may still come. It used to keep it for good: the record named no coordinator,
     * so there was nobody to ask whether the transaction ended. The request now names the asker's coordinator.
     * kv-2 hears nothing from txn-1 (no vote-request, no decision); kv-1 votes, then hears nothing either, so after
     * its ready timeout it asks kv-2, which aborts. Healed, the transaction ends at txn-1, and kv-2's record goes.
     */
    @Test
    void anAbortGivenToAStateRequest_goesOnceTheCoordinatorReportsTheTransactionEnded() {
        CommitCluster c = forgetting(4);
        NodeId kv1 = PARTICIPANTS.get(0), kv2 = PARTICIPANTS.get(1);
        c.sim.network().block(COORDINATOR, kv2); // the other way round from the test above
        SimRequest r = c.sim.request(COORDINATOR, transfer(0, 1, 5, null));
        c.sim.runFor(Duration.ofMillis(60)); // kv-1 has its vote-request (copies take 25 ms at most)
        c.sim.network().block(COORDINATOR, kv1);
        c.sim.runFor(Duration.ofSeconds(4)); // past kv-1's ready timeout (2 s) and its question to kv-2
        String txn = ((CommitRequests.Outcome) r.result()).txn();
        assertThat(c.logged(kv2, txn)).as("kv-2 aborted when asked, never having voted").isEqualTo(TxnState.ABORT);
        assertThat(c.logged(kv1, txn)).as("kv-1 learned the abort from kv-2").isEqualTo(TxnState.ABORT);
        healedEndsAndIsForgotten(c, txn);
    }

    /**
     * A decision from a participant that 3PC's termination elected, reaching a participant that holds no record of
     * the transaction (its state request was lost): the record it makes must name the transaction's coordinator,
     * who is asked whether it ended. It used to name the sender, a participant, which answers no such question, so
     * it stayed for good. kv-2 never hears from txn-1; kv-1 votes and then hears nothing either; after its ready
     * timeout it asks kv-2 (lost), is elected as the only one alive and aborts, and this time kv-2 hears it.
     */
    @Test
    void aDecisionFromAnElectedParticipant_goesOnceTheCoordinatorReportsTheTransactionEnded() {
        CommitCluster c = forgetting(6);
        NodeId kv1 = PARTICIPANTS.get(0), kv2 = PARTICIPANTS.get(1);
        c.sim.network().block(COORDINATOR, kv2).block(kv1, kv2);
        SimRequest r = c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.THREE_PHASE, CommitCluster.transfer(0, 1, 5), null));
        c.sim.runFor(Duration.ofMillis(60)); // kv-1 has its vote-request (copies take 25 ms at most)
        c.sim.network().block(COORDINATOR, kv1);
        c.sim.runFor(Duration.ofMillis(2200)); // kv-1's ready timeout (2 s): its state request to kv-2 is lost
        c.sim.network().heal().block(COORDINATOR, kv1).block(COORDINATOR, kv2);
        c.sim.runFor(Duration.ofMillis(600)); // the window (300 ms) ends: kv-1 alone decides, and kv-2 hears it
        String txn = ((CommitRequests.Outcome) r.result()).txn();
        assertThat(c.sim.events()).as("kv-1 was elected").anyMatch(e -> e.kind().equals("txn.termination")
                && e.node().equals(kv1.value()) && "new-coordinator".equals(e.fields().get("role")));
        assertThat(c.logged(kv2, txn)).as("kv-2 took the decision from kv-1").isEqualTo(TxnState.ABORT);
        healedEndsAndIsForgotten(c, txn);
    }

    /** Healed, {@code txn} ends at the coordinator, and kv-2's record of it goes with every other. */
    private static void healedEndsAndIsForgotten(CommitCluster c, String txn) {
        c.sim.network().heal();
        c.sim.runFor(GRACE.multipliedBy(8));
        assertThat(c.coordinator().openTransactions()).isZero();
        assertThat(c.logged(PARTICIPANTS.get(1), txn)).as("kv-2's record once the coordinator reported the transaction ended").isNull();
        assertThat(records(c)).isZero();
    }

    @Test
    void transfersStayAtomicWhileParticipantsForgetUnderFaults() {
        long before = FORGOTTEN.get();
        Seeds.run("2pc transfers, participants forgetting ended ones", 150, ParticipantsForgetTest::run);
        assertThat(FORGOTTEN.get() - before).as("records forgotten over all seeds (the path under test ran)").isPositive();
    }

    private static void run(long seed) {
        CommitCluster c = new CommitCluster(seed, CommitCluster.Settings.DEFAULT.forgetAfter(GRACE).retainedEnded(3));
        Random rnd = new Random(seed);
        c.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(15)).loss(0.05).duplicate(0.05).reorder(0.1, Duration.ofMillis(10));
        // a named crash point on the coordinator and on a participant, and a crash at a random time; what is down
        // comes back after 0.4-2.8 s, at times past the participants' ready timeout (2 s), so they ask each other
        c.sim.armCrashPoint(COORDINATOR, AtomicCommitTest.COORDINATOR_POINTS[rnd.nextInt(AtomicCommitTest.COORDINATOR_POINTS.length)]);
        c.sim.armCrashPoint(PARTICIPANTS.get(rnd.nextInt(3)), AtomicCommitTest.PARTICIPANT_POINTS[rnd.nextInt(AtomicCommitTest.PARTICIPANT_POINTS.length)]);
        NodeId victim = rnd.nextBoolean() ? COORDINATOR : PARTICIPANTS.get(rnd.nextInt(3));
        c.sim.at(Duration.ofMillis(rnd.nextInt(3000)), () -> {
            if (c.sim.isUp(victim)) c.sim.crash(victim);
        });
        for (int t = 400; t <= 6000; t += 400 + rnd.nextInt(2400)) c.sim.at(Duration.ofMillis(t), () -> c.restartWhatIsDown(rnd));
        c.sim.at(Duration.ofMillis(6000), () -> {
            c.restartWhatIsDown(rnd);
            c.sim.network().heal().loss(0).duplicate(0);
        });
        List<int[]> transfers = new ArrayList<>(); // from, to, amount
        List<SimRequest> requests = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int from = rnd.nextInt(ACCOUNTS), to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS, amount = 1 + rnd.nextInt(60);
            transfers.add(new int[]{from, to, amount});
            requests.add(c.sim.requestAt(Duration.ofMillis(rnd.nextInt(4500)), COORDINATOR, transfer(from, to, amount, i % 4 == 0 ? "k" + i : null)));
        }
        boolean quiet = c.sim.runUntil(() -> c.sim.now() > Duration.ofMillis(6000).toNanos() && c.settled(), Duration.ofSeconds(60));
        assertThat(quiet).as("every transaction ends once the faults heal").isTrue();
        c.sim.runFor(GRACE.multipliedBy(2));

        // The balances must be the opening ones moved by every transfer a client was told committed, none told
        // aborted, and some subset of those whose client heard nothing (its request lost with a crash, or timed out).
        long[] base = new long[ACCOUNTS];
        java.util.Arrays.fill(base, OPENING);
        List<int[]> unknown = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            SimRequest r = requests.get(i);
            int[] t = transfers.get(i);
            if (r.done() && r.result() instanceof CommitRequests.Outcome o) {
                if (o.committed()) {
                    base[t[0]] -= t[2];
                    base[t[1]] += t[2];
                }
            } else {
                unknown.add(t);
            }
        }
        long[] actual = new long[ACCOUNTS];
        for (int a = 0; a < ACCOUNTS; a++) actual[a] = c.balance(a);
        assertThat(explained(base, unknown, actual)).as("balances %s from %s and a subset of %d unanswered transfers",
                java.util.Arrays.toString(actual), java.util.Arrays.toString(base), unknown.size()).isTrue();
        FORGOTTEN.addAndGet(40L - records(c));
    }

    /** Whether some subset of {@code unknown} moves {@code base} to {@code actual} (at most 2^20 subsets). */
    private static boolean explained(long[] base, List<int[]> unknown, long[] actual) {
        for (int mask = 0; mask < (1 << unknown.size()); mask++) {
            long[] b = base.clone();
            for (int i = 0; i < unknown.size(); i++) {
                if ((mask & (1 << i)) == 0) continue;
                int[] t = unknown.get(i);
                b[t[0]] -= t[2];
                b[t[1]] += t[2];
            }
            if (java.util.Arrays.equals(b, actual)) return true;
        }
        return false;
    }
}
