package dsys.core.commit;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

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
 * The coordinator's log keeps the newest {@code retainedEnded} ended transactions begun without an Idempotency-Key
 * (and every keyed one); forgetting the older ones keeps transfers atomic under faults.
 */
class EndedRetentionTest {

    private static CommitRequests.Begin transfer(int from, int to, long amount, String key) {
        return new CommitRequests.Begin(CommitProtocol.TWO_PHASE, CommitCluster.transfer(from, to, amount), key);
    }

    private static Object ask(CommitCluster c, Object request) {
        SimRequest r = c.sim.request(COORDINATOR, request);
        c.sim.runFor(Duration.ofMillis(500));
        return r.result();
    }

    @Test
    void theNewestUnkeyedAndEveryKeyedOneStay_olderOnesAreUnknownAfterwards() {
        CommitCluster c = new CommitCluster(7, CommitCluster.Settings.DEFAULT.retainedEnded(3).endedInMemory(1));
        List<String> unkeyed = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            CommitRequests.Outcome o = (CommitRequests.Outcome) ask(c, transfer(i % ACCOUNTS, (i + 1) % ACCOUNTS, 1, null));
            assertThat(o.committed()).isTrue();
            unkeyed.add(o.txn());
            if (i == 2) assertThat(((CommitRequests.Outcome) ask(c, transfer(0, 3, 1, "kept"))).committed()).isTrue();
        }
        assertThat(c.coordinator().openTransactions()).isZero();
        for (int i = 0; i < 8; i++) {
            Object view = ask(c, new CommitRequests.Inspect(unkeyed.get(i)));
            if (i < 5) {
                assertThat(c.coordinatorLogged(unkeyed.get(i))).as(unkeyed.get(i) + " forgotten").isNull();
                assertThat(view).as(unkeyed.get(i)).isInstanceOfSatisfying(Rejection.class, r -> assertThat(r.status()).isEqualTo(404));
            } else {
                assertThat(c.coordinatorLogged(unkeyed.get(i))).as(unkeyed.get(i) + " kept").isEqualTo(TxnState.COMMIT);
                assertThat(view).isInstanceOfSatisfying(CommitCoordinator.View.class, v -> assertThat(v.state()).isEqualTo(TxnState.COMMIT));
            }
        }
        assertThat(c.sim.storage(COORDINATOR).scan("commit.c.").keySet()).as("the log's state records")
                .containsExactlyInAnyOrder("commit.c.key-kept", "commit.c." + unkeyed.get(5), "commit.c." + unkeyed.get(6),
                        "commit.c." + unkeyed.get(7));
        assertThat(c.sim.storage(COORDINATOR).scan("commit.c-outcome.")).hasSize(4);
        assertThat(c.sim.storage(COORDINATOR).scan(EndedRetention.SEQ)).hasSize(3);

        long voteRequests = c.sim.messageCounts().get("VoteRequest");
        assertThat(((CommitRequests.Outcome) ask(c, transfer(0, 3, 1, "kept"))).committed()).as("a retry: the first outcome").isTrue();
        assertThat(c.sim.messageCounts().get("VoteRequest")).as("the keyed one did not begin again").isEqualTo(voteRequests);
    }

    @Test
    void aStartForgetsWhatLiesBeyondTheBound_aLogFromBeforeNumberingIsNumberedOnce() {
        dsys.core.sim.MemoryDurable log = new dsys.core.sim.MemoryDurable();
        for (String id : List.of("txn-1-1-1", "txn-1-1-2", "key-k", "txn-1-1-3")) log.put("commit.c-ended." + id, "1");
        List<String> forgotten = new ArrayList<>();
        new EndedRetention(1).load(log, "commit.c-ended.", forgotten::add);
        assertThat(forgotten).as("numbered, then all but the bound forgotten").hasSize(2).doesNotContain("key-k");
        assertThat(log.scan(EndedRetention.SEQ)).hasSize(1);

        forgotten.clear();
        EndedRetention bigger = new EndedRetention(3); // a restart with a higher bound: nothing numbered again or forgotten
        bigger.load(log, "commit.c-ended.", forgotten::add);
        bigger.ended(log, "txn-1-2-1", forgotten::add);
        bigger.ended(log, "key-other", forgotten::add); // keyed: neither numbered nor a reason to forget
        bigger.ended(log, "txn-1-2-2", forgotten::add);
        assertThat(forgotten).isEmpty();
        bigger.ended(log, "txn-1-2-3", forgotten::add);
        assertThat(forgotten).hasSize(1).doesNotContain("txn-1-2-1");
        assertThat(log.scan(EndedRetention.SEQ).values()).containsExactlyInAnyOrder("txn-1-2-1", "txn-1-2-2", "txn-1-2-3");

        new EndedRetention(1).load(log, "commit.c-ended.", forgotten::add); // lowered: down to the bound at start
        assertThat(forgotten).endsWith("txn-1-2-1", "txn-1-2-2");
        assertThat(log.scan(EndedRetention.SEQ).values()).containsExactly("txn-1-2-3");
    }

    @Test
    void transfersStayAtomicWhileTheCoordinatorForgetsEndedOnesUnderFaults() {
        Seeds.run("2pc transfers, a log that keeps 2 ended ones", 150, EndedRetentionTest::run);
    }

    private static void run(long seed) {
        CommitCluster c = new CommitCluster(seed, CommitCluster.Settings.DEFAULT.retainedEnded(2).endedInMemory(1));
        Random rnd = new Random(seed);
        c.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(15)).loss(0.05).duplicate(0.05).reorder(0.1, Duration.ofMillis(10));
        NodeId victim = rnd.nextBoolean() ? COORDINATOR : PARTICIPANTS.get(rnd.nextInt(3));
        c.sim.at(Duration.ofMillis(rnd.nextInt(3000)), () -> {
            if (c.sim.isUp(victim)) c.sim.crash(victim);
        });
        for (int t = 400; t <= 5000; t += 400 + rnd.nextInt(400)) c.sim.at(Duration.ofMillis(t), () -> c.restartWhatIsDown(rnd));
        c.sim.at(Duration.ofMillis(5000), () -> c.sim.network().heal().loss(0).duplicate(0));
        List<SimRequest> requests = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int from = rnd.nextInt(ACCOUNTS), to = (from + 1 + rnd.nextInt(ACCOUNTS - 1)) % ACCOUNTS;
            requests.add(c.sim.requestAt(Duration.ofMillis(rnd.nextInt(4000)), COORDINATOR, transfer(from, to, 1 + rnd.nextInt(60), null)));
        }
        boolean quiet = c.sim.runUntil(() -> c.sim.now() > Duration.ofMillis(5000).toNanos() && c.settled(), Duration.ofSeconds(60));
        assertThat(quiet).as("every transaction ends once the faults heal").isTrue();

        // Judged from the participants' disks and the answers, not from the coordinator (which forgets).
        Map<String, TxnState> decided = new HashMap<>();
        for (NodeId p : PARTICIPANTS) {
            c.sim.storage(p).scan("commit.p.").forEach((k, v) -> {
                String txn = k.substring("commit.p.".length());
                TxnState s = TxnRecord.decode(v).state();
                TxnState other = decided.putIfAbsent(txn, s);
                assertThat(other == null || other == s).as(txn + ": " + other + " elsewhere, " + s + " at " + p + " (atomicity)").isTrue();
            });
        }
        for (SimRequest r : requests) {
            if (!(r.done() && r.result() instanceof CommitRequests.Outcome o)) continue;
            for (String p : o.participants()) {
                assertThat(c.logged(NodeId.of(p), o.txn())).as(o.txn() + " at " + p + ": the client was told " + o.committed())
                        .isEqualTo(o.committed() ? TxnState.COMMIT : c.logged(NodeId.of(p), o.txn()) == null ? null : TxnState.ABORT);
            }
        }
        long total = 0;
        for (int a = 0; a < ACCOUNTS; a++) total += c.balance(a);
        assertThat(total).as("the money: every transfer applied on both sides or on none").isEqualTo(ACCOUNTS * OPENING);
        assertThat(c.sim.storage(COORDINATOR).scan("commit.c.").size()).as("the coordinator's log keeps 2 ended ones").isLessThanOrEqualTo(2);
    }
}
