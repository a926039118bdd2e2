package dsys.core.commit;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dsys.core.commit.CommitCluster.COORDINATOR;
import static dsys.core.commit.CommitCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Persistent messaging: kv-2 votes vote-commit and crashes before the decision reaches it. When it comes back, the
 * coordinator is down and kv-1 and kv-3 are cut off, so cooperative termination finds nobody and 2PC blocks it; the
 * decisions topic still has the decision, and reading it ends the transaction. Under 3PC the decision may be the
 * participants' own (their termination, while the coordinator is down): the one they elect publishes it too.
 */
class DecisionTopicTest {

    private static final NodeId KV1 = PARTICIPANTS.get(0), KV2 = PARTICIPANTS.get(1), KV3 = PARTICIPANTS.get(2);
    private static final String TXN = "key-topic";

    /** acct-0 (kv-1) pays acct-1 (kv-2) 10 and acct-2 (kv-3) 5. */
    private static SimRequest transfer(CommitCluster c) {
        Map<String, List<TxnOp>> ops = Map.of(
                KV1.value(), List.of(TxnOp.add(CommitCluster.account(0), -15)),
                KV2.value(), List.of(TxnOp.add(CommitCluster.account(1), 10)),
                KV3.value(), List.of(TxnOp.add(CommitCluster.account(2), 5)));
        return c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.TWO_PHASE, ops, "topic"));
    }

    /** kv-2 is down when the decision goes out, then the coordinator goes down and kv-2 comes back alone. */
    private static CommitCluster kv2MissesTheDecision() {
        CommitCluster c = new CommitCluster(11);
        c.sim.addSink(e -> {
            if (e.kind().equals("txn.decision") && e.node().equals(COORDINATOR.value()) && c.sim.isUp(KV2)) c.sim.crash(KV2);
        });
        SimRequest r = transfer(c);
        c.sim.runFor(Duration.ofSeconds(2));
        assertThat(((CommitRequests.Outcome) r.result()).committed()).isTrue();
        assertThat(c.logged(KV1, TXN)).isEqualTo(TxnState.COMMIT);
        assertThat(c.logged(KV2, TXN)).as("kv-2 voted, then crashed").isEqualTo(TxnState.READY);
        c.sim.crash(COORDINATOR);
        c.sim.network().partition(List.of(KV2), List.of(KV1, KV3, COORDINATOR));
        c.sim.restart(KV2);
        return c;
    }

    @Test
    void withoutTheTopic_theParticipantThatWasDownStaysBlocked() {
        CommitCluster c = kv2MissesTheDecision();
        c.sim.runFor(Duration.ofSeconds(20));
        assertThat(c.logged(KV2, TXN)).isEqualTo(TxnState.READY);
        assertThat(c.participant(KV2).resources().locks()).as("it holds acct-1").containsValue(TXN);
    }

    @Test
    void readingTheTopicOnRestart_endsItsTransaction_whileTheCoordinatorIsDown() {
        CommitCluster c = kv2MissesTheDecision();
        assertThat(c.topic).extracting(DecisionTopic.Published::txn).containsExactly(TXN);
        // What the live feed does: hand every record after the participant's committed offset to its core.
        List<SimRequest> handed = c.topic.stream().map(d -> c.sim.request(KV2, d)).toList();
        c.sim.runFor(Duration.ofMillis(100));

        assertThat(handed.get(0).result()).as("it ended the transaction").isEqualTo(true);
        assertThat(c.logged(KV2, TXN)).isEqualTo(TxnState.COMMIT);
        assertThat(c.participant(KV2).resources().locks()).isEmpty();
        assertThat(c.balance(1)).isEqualTo(CommitCluster.OPENING + 10);
        assertThat(c.sim.isUp(COORDINATOR)).isFalse();

        // Read again (a redelivery, a republish after the coordinator's recovery): nothing changes.
        SimRequest again = c.sim.request(KV2, c.topic.get(0));
        c.sim.runFor(Duration.ofMillis(100));
        assertThat(again.result()).isEqualTo(false);
        assertThat(c.balance(1)).isEqualTo(CommitCluster.OPENING + 10);
    }

    @Test
    void threePhase_theParticipantsDecideWhileTheCoordinatorIsDown_andTheOneThatWasDownReadsItFromTheTopic() {
        CommitCluster c = new CommitCluster(13);
        // Every PreCommit is out when kv-2 logs PRECOMMIT: kv-2 and the coordinator die before any acknowledgement.
        c.sim.addSink(e -> {
            if (e.kind().equals("txn.precommit") && e.node().equals(KV2.value())) {
                c.sim.crash(KV2);
                c.sim.crash(COORDINATOR);
            }
        });
        c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.THREE_PHASE, Map.of(
                KV1.value(), List.of(TxnOp.add(CommitCluster.account(0), -15)),
                KV2.value(), List.of(TxnOp.add(CommitCluster.account(1), 10)),
                KV3.value(), List.of(TxnOp.add(CommitCluster.account(2), 5))), "topic"));
        c.sim.runFor(Duration.ofSeconds(5)); // kv-1 and kv-3: ready timeout, one window, elect kv-1, commit
        assertThat(c.coordinatorLogged(TXN)).as("the coordinator never decided").isEqualTo(TxnState.PRECOMMIT);
        assertThat(c.logged(KV1, TXN)).isEqualTo(TxnState.COMMIT);
        assertThat(c.logged(KV3, TXN)).isEqualTo(TxnState.COMMIT);
        assertThat(c.topic).as("published by the participant the termination elected")
                .containsExactly(new DecisionTopic.Published(TXN, true, KV1.value(), List.of("kv-1", "kv-2", "kv-3")));

        // kv-2 is back, the coordinator still down and the others cut off: in PRECOMMIT, it may not decide alone.
        c.sim.network().partition(List.of(KV2), List.of(KV1, KV3, COORDINATOR));
        c.sim.restart(KV2);
        c.sim.runFor(Duration.ofSeconds(20));
        assertThat(c.logged(KV2, TXN)).as("blocked without the topic").isEqualTo(TxnState.PRECOMMIT);

        SimRequest handed = c.sim.request(KV2, c.topic.get(0));
        c.sim.runFor(Duration.ofMillis(100));
        assertThat(handed.result()).isEqualTo(true);
        assertThat(c.logged(KV2, TXN)).isEqualTo(TxnState.COMMIT);
        assertThat(c.participant(KV2).resources().locks()).isEmpty();
        assertThat(c.balance(0) + c.balance(1) + c.balance(2)).as("no money made or lost").isEqualTo(3 * CommitCluster.OPENING);
        assertThat(c.balance(1)).isEqualTo(CommitCluster.OPENING + 10);
    }

    @Test
    void aCoordinatorThatCrashedBetweenItsLogAndTheTopic_publishesOnRecovery() {
        CommitCluster c = new CommitCluster(12);
        c.sim.armCrashPoint(COORDINATOR, CommitCoordinator.AFTER_DECISION_LOGGED);
        transfer(c);
        c.sim.runFor(Duration.ofSeconds(2));
        assertThat(c.coordinatorLogged(TXN)).isEqualTo(TxnState.COMMIT);
        assertThat(c.topic).as("crashed before publishing").isEmpty();
        c.sim.restart(COORDINATOR);
        c.sim.runFor(Duration.ofSeconds(1));
        assertThat(c.topic).extracting(DecisionTopic.Published::txn, DecisionTopic.Published::commit)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TXN, true));
    }
}
