package dsys.core.commit;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dsys.core.commit.CommitCluster.COORDINATOR;
import static dsys.core.commit.CommitCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An Idempotency-Key retry after the coordinator restarted (as a new process, and recovering in place) gets the
 * first outcome whole: the reads of its gets, the reason of an abort, the messages counted. They are logged with the
 * decision (and the reads, in 3PC, with PRECOMMIT), not kept only in memory.
 */
class OutcomeAfterRestartTest {

    private static final NodeId KV1 = PARTICIPANTS.get(0), KV2 = PARTICIPANTS.get(1);

    /** acct-0 (kv-1) pays acct-1 (kv-2) 10 and reads acct-3 (kv-1) and acct-4 (kv-2) under the same locks. */
    private static CommitRequests.Begin transferAndRead(CommitProtocol protocol, String key) {
        return new CommitRequests.Begin(protocol, Map.of(
                KV1.value(), List.of(TxnOp.add(CommitCluster.account(0), -10), TxnOp.get(CommitCluster.account(3))),
                KV2.value(), List.of(TxnOp.add(CommitCluster.account(1), 10), TxnOp.get(CommitCluster.account(4)))), key);
    }

    private static final List<TxnRead> READS = List.of(new TxnRead("default", "acct-3", "100", "1"),
            new TxnRead("default", "acct-4", "100", "1"));

    private static void restart(CommitCluster c, String how) {
        if (how.equals("process")) c.sim.restartProcess(COORDINATOR);
        else c.sim.restart(COORDINATOR);
    }

    private static CommitRequests.Outcome retry(CommitCluster c, CommitRequests.Begin b) {
        long voteRequests = c.sim.messageCounts().getOrDefault("VoteRequest", 0L);
        SimRequest r = c.sim.request(COORDINATOR, b);
        c.sim.runFor(Duration.ofMillis(100));
        assertThat(c.sim.messageCounts().getOrDefault("VoteRequest", 0L)).as("a retry begins nothing").isEqualTo(voteRequests);
        return (CommitRequests.Outcome) r.result();
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "recover"})
    void endedTransactions_answerTheirReadsAndReasonsAfterARestart(String how) {
        CommitCluster c = new CommitCluster(31);
        CommitRequests.Begin committed = transferAndRead(CommitProtocol.TWO_PHASE, "read");
        CommitRequests.Begin aborted = new CommitRequests.Begin(CommitProtocol.TWO_PHASE,
                Map.of(KV1.value(), List.of(TxnOp.add(CommitCluster.account(0), -500))), "poor");
        SimRequest first = c.sim.request(COORDINATOR, committed), second = c.sim.request(COORDINATOR, aborted);
        c.sim.runFor(Duration.ofSeconds(1));
        CommitRequests.Outcome o1 = (CommitRequests.Outcome) first.result(), o2 = (CommitRequests.Outcome) second.result();
        assertThat(o1.committed()).isTrue();
        assertThat(o1.reads()).isEqualTo(READS);
        assertThat(o2.reason()).startsWith("kv-1 voted vote-abort: acct-0 holds 100, cannot add -500");

        c.sim.crash(COORDINATOR);
        restart(c, how);
        assertThat(retry(c, committed)).isEqualTo(o1);
        assertThat(retry(c, aborted)).isEqualTo(o2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "recover"})
    void aDecisionLoggedJustBeforeACrash_keepsItsReads(String how) {
        CommitCluster c = new CommitCluster(32);
        c.sim.armCrashPoint(COORDINATOR, CommitCoordinator.AFTER_DECISION_LOGGED);
        CommitRequests.Begin b = transferAndRead(CommitProtocol.TWO_PHASE, "crash");
        SimRequest r = c.sim.request(COORDINATOR, b);
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(r.crashed()).as("the client heard nothing").isTrue();
        restart(c, how);
        c.sim.runFor(Duration.ofSeconds(1));
        CommitRequests.Outcome o = retry(c, b);
        assertThat(o.committed()).isTrue();
        assertThat(o.reads()).isEqualTo(READS);
        assertThat(o.messages().count()).as("2 vote-requests and 2 votes, logged with the decision").isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(strings = {"process", "recover"})
    void threePhase_aCommitLearnedAfterARestartInPrecommit_hasTheReadsLoggedWithPrecommit(String how) {
        CommitCluster c = new CommitCluster(33);
        c.sim.addSink(e -> { // every PreCommit is out; the coordinator dies before an acknowledgement comes
            if (e.kind().equals("txn.precommit") && e.node().equals(KV1.value()) && c.sim.isUp(COORDINATOR)) c.sim.crash(COORDINATOR);
        });
        CommitRequests.Begin b = transferAndRead(CommitProtocol.THREE_PHASE, "learn");
        c.sim.request(COORDINATOR, b);
        c.sim.runFor(Duration.ofMillis(200));
        assertThat(c.coordinatorLogged("key-learn")).isEqualTo(TxnState.PRECOMMIT);
        restart(c, how);
        c.sim.runFor(Duration.ofSeconds(4)); // the participants' termination commits; the coordinator learns it
        assertThat(c.coordinatorLogged("key-learn")).isEqualTo(TxnState.COMMIT);
        CommitRequests.Outcome o = retry(c, b);
        assertThat(o.committed()).isTrue();
        assertThat(o.reason()).startsWith("learned from kv-");
        assertThat(o.reads()).isEqualTo(READS);
    }
}
