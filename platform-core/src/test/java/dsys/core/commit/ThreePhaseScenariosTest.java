package dsys.core.commit;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dsys.core.commit.CommitCluster.COORDINATOR;
import static dsys.core.commit.CommitCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The notes' comparison, asserted: the coordinator crashes after every participant voted vote-commit. Under 2PC
 * the participants block, holding their locks, until it is back; under 3PC they elect a new coordinator and
 * finish without it. And the price of 3PC: a partition between the coordinator with one participant and the
 * other two makes the two sides decide differently, where 2PC only blocks.
 */
class ThreePhaseScenariosTest {

    private static final NodeId KV1 = PARTICIPANTS.get(0), KV2 = PARTICIPANTS.get(1), KV3 = PARTICIPANTS.get(2);

    /** acct-0 (kv-1) pays acct-1 (kv-2) and acct-2 (kv-3): all three participants take part. */
    private static SimRequest transfer(CommitCluster c, CommitProtocol protocol) {
        var ops = CommitCluster.transfer(0, 1, 10);
        ops.putAll(java.util.Map.of(KV3.value(), List.of(TxnOp.add(CommitCluster.account(2), 5))));
        ops.put(KV1.value(), List.of(TxnOp.add(CommitCluster.account(0), -15)));
        return c.sim.request(COORDINATOR, new CommitRequests.Begin(protocol, ops, "scenario"));
    }

    @Test
    void twoPhaseCommitBlocksWhenTheCoordinatorCrashesAfterTheVotes_untilItIsBack() {
        CommitCluster c = new CommitCluster(7);
        c.sim.armCrashPoint(COORDINATOR, CommitCoordinator.BEFORE_DECISION);
        SimRequest r = transfer(c, CommitProtocol.TWO_PHASE);
        c.sim.runFor(Duration.ofSeconds(20));

        assertThat(c.sim.isUp(COORDINATOR)).isFalse();
        assertThat(r.crashed()).isTrue();
        for (NodeId p : PARTICIPANTS) {
            assertThat(c.logged(p, "key-scenario")).as(p + " waits in READY").isEqualTo(TxnState.READY);
            assertThat(c.participant(p).resources().locks()).as(p + " holds its locks").containsValue("key-scenario");
        }
        assertThat(c.sim.events()).filteredOn(e -> e.kind().equals("txn.blocked")).extracting(e -> e.node())
                .as("each participant found every other one in READY").containsExactlyInAnyOrder("kv-1", "kv-2", "kv-3");

        c.sim.restart(COORDINATOR); // it had not decided: it aborts, and the participants hear it
        c.sim.runFor(Duration.ofSeconds(2));
        for (NodeId p : PARTICIPANTS) {
            assertThat(c.logged(p, "key-scenario")).isEqualTo(TxnState.ABORT);
            assertThat(c.participant(p).resources().locks()).isEmpty();
        }
        assertThat(c.balance(0)).isEqualTo(CommitCluster.OPENING);
    }

    /**
     * Both accounts at kv-1 (the live coordinator picks a node per key, so a transfer often has one participant): with
     * nobody else to ask and the coordinator silent, the sole participant is blocked just the same, and says so once.
     */
    @Test
    void aSoleParticipantInReady_isBlockedToo() {
        CommitCluster c = new CommitCluster(11);
        c.sim.armCrashPoint(COORDINATOR, CommitCoordinator.BEFORE_DECISION);
        c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.TWO_PHASE, CommitCluster.transfer(0, 3, 10), "sole"));
        c.sim.runFor(Duration.ofSeconds(20));

        assertThat(c.logged(KV1, "key-sole")).isEqualTo(TxnState.READY);
        assertThat(c.participant(KV1).resources().locks()).containsValue("key-sole");
        assertThat(c.sim.events()).filteredOn(e -> e.kind().equals("txn.blocked")).extracting(e -> e.node()).containsExactly("kv-1");
        assertThat(c.sim.events()).filteredOn(e -> e.kind().equals("txn.termination")).as("one event for the whole termination, not one per round")
                .hasSize(1);

        c.sim.restart(COORDINATOR);
        c.sim.runFor(Duration.ofSeconds(2));
        assertThat(c.logged(KV1, "key-sole")).isEqualTo(TxnState.ABORT);
        assertThat(c.participant(KV1).resources().locks()).isEmpty();
    }

    @Test
    void threePhaseCommitFinishesWithoutTheCoordinator_inTheSameScenario() {
        CommitCluster c = new CommitCluster(7);
        c.sim.armCrashPoint(COORDINATOR, CommitCoordinator.BEFORE_DECISION);
        transfer(c, CommitProtocol.THREE_PHASE);
        // ready timeout (2 s) + one state-collection window (0.3 s) + a message or two
        c.sim.runFor(Duration.ofSeconds(3));

        assertThat(c.sim.isUp(COORDINATOR)).isFalse();
        for (NodeId p : PARTICIPANTS) {
            assertThat(c.logged(p, "key-scenario")).as(p + ": all were READY, so the new coordinator aborts").isEqualTo(TxnState.ABORT);
            assertThat(c.participant(p).resources().locks()).isEmpty();
        }
        assertThat(c.sim.events()).filteredOn(e -> e.kind().equals("txn.termination") && "new-coordinator".equals(e.fields().get("role")))
                .extracting(e -> e.node()).as("the lowest id is elected").containsOnly("kv-1");
        c.sim.restart(COORDINATOR);
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(c.coordinatorLogged("key-scenario")).isEqualTo(TxnState.ABORT);
    }

    @Test
    void threePhaseCommitWhoseCoordinatorDiesInPrecommit_commitsWithoutIt() {
        CommitCluster c = new CommitCluster(7);
        c.sim.armCrashPoint(COORDINATOR, CommitCoordinator.AFTER_DECISION_LOGGED); // all acknowledged PRECOMMIT
        transfer(c, CommitProtocol.THREE_PHASE);
        c.sim.runFor(Duration.ofSeconds(3));
        for (NodeId p : PARTICIPANTS) assertThat(c.logged(p, "key-scenario")).isEqualTo(TxnState.COMMIT);
        assertThat(c.balance(0)).isEqualTo(CommitCluster.OPENING - 15);
    }

    @Test
    void threePhaseCommitUnderAPartitionDecidesBothWays() {
        CommitCluster c = new CommitCluster(7);
        // The votes are in and PRECOMMIT is logged; before any PreCommit leaves, the network splits.
        c.sim.addSink(e -> {
            if (e.kind().equals("txn.precommit") && e.node().equals(COORDINATOR.value())) {
                c.sim.network().partition(List.of(COORDINATOR, KV1), List.of(KV2, KV3));
            }
        });
        SimRequest r = transfer(c, CommitProtocol.THREE_PHASE);
        c.sim.runFor(Duration.ofSeconds(5));

        // The coordinator's side: kv-1 acknowledged, the others "crashed" (no acknowledgement): commit.
        assertThat(((CommitRequests.Outcome) r.result()).committed()).isTrue();
        assertThat(c.logged(KV1, "key-scenario")).isEqualTo(TxnState.COMMIT);
        // The other side elects kv-2, finds everyone it can reach in READY: abort.
        assertThat(c.logged(KV2, "key-scenario")).isEqualTo(TxnState.ABORT);
        assertThat(c.logged(KV3, "key-scenario")).isEqualTo(TxnState.ABORT);
        // Money was destroyed: kv-1's debit is applied, the credits are not.
        assertThat(c.balance(0) + c.balance(1) + c.balance(2)).isEqualTo(3 * CommitCluster.OPENING - 15);

        c.sim.network().heal();
        c.sim.runFor(Duration.ofSeconds(2));
        assertThat(c.logged(KV1, "key-scenario")).as("healing does not undo a decision").isEqualTo(TxnState.COMMIT);
        assertThat(c.logged(KV2, "key-scenario")).isEqualTo(TxnState.ABORT);
    }

    @Test
    void twoPhaseCommitUnderTheSamePartitionBlocksInsteadAndStaysAtomic() {
        CommitCluster c = new CommitCluster(7);
        c.sim.addSink(e -> {
            if (e.kind().equals("txn.vote") && e.node().equals(COORDINATOR.value()) && c.sim.network().canDeliver(COORDINATOR, KV2)
                    && c.coordinator().state("key-scenario") == TxnState.WAIT && voted(c) == 2) {
                c.sim.network().partition(List.of(COORDINATOR, KV1), List.of(KV2, KV3));
            }
        });
        transfer(c, CommitProtocol.TWO_PHASE);
        c.sim.runFor(Duration.ofSeconds(5));
        TxnState decided = c.coordinatorLogged("key-scenario");
        assertThat(decided).isIn(TxnState.COMMIT, TxnState.ABORT);
        assertThat(c.logged(KV1, "key-scenario")).isEqualTo(decided);
        assertThat(c.logged(KV2, "key-scenario")).as("cut off after voting: blocked").isEqualTo(TxnState.READY);
        assertThat(c.logged(KV3, "key-scenario")).isEqualTo(TxnState.READY);

        c.sim.network().heal();
        c.sim.runFor(Duration.ofSeconds(2));
        for (NodeId p : PARTICIPANTS) assertThat(c.logged(p, "key-scenario")).isEqualTo(decided);
    }

    private static long voted(CommitCluster c) {
        return c.sim.events().stream().filter(e -> e.kind().equals("txn.vote") && e.node().equals(COORDINATOR.value())).count();
    }
}
