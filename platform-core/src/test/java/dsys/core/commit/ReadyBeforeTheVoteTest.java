package dsys.core.commit;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dsys.core.commit.CommitCluster.COORDINATOR;
import static dsys.core.commit.CommitCluster.OPENING;
import static dsys.core.commit.CommitCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A participant logs READY (lazily) when the vote-request comes, before its locks are taken, so that the vote waits
 * for no fsync of its own. A READY read back after a crash may therefore predate a vote that never left, and locks
 * that were never taken: such a participant must not answer the coordinator's repeated vote-request with
 * vote-commit.
 */
class ReadyBeforeTheVoteTest {

    private static final NodeId KV1 = PARTICIPANTS.get(0);
    private static final String TXN = "key-early";

    @Test
    void aParticipantBackWithAReadyItNeverVotedOn_votesAbortWhenAskedAgain() {
        // kv-1's prepare answers up to 50 ms after the vote-request: the window this is about
        CommitCluster c = new CommitCluster(3, CommitCluster.Settings.DEFAULT.prepareDelay(Duration.ofMillis(50)));
        SimRequest r = c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.TWO_PHASE, CommitCluster.transfer(0, 1, 10), "early"));
        assertThat(c.sim.runUntil(() -> c.logged(KV1, TXN) == TxnState.READY, Duration.ofSeconds(1))).isTrue();
        assertThat(c.resources(KV1).locks()).as("the locks are still on their way").isEmpty();

        c.sim.storage(KV1).forceLazy(); // the node's next fsync, for other work, takes READY to disk
        c.sim.crash(KV1);
        c.sim.restart(KV1);
        assertThat(c.logged(KV1, TXN)).as("back with READY, never having voted").isEqualTo(TxnState.READY);

        assertThat(c.sim.runUntil(() -> r.done() && c.settled(), Duration.ofSeconds(20))).as("the transaction ends").isTrue();
        assertThat(r.result()).isInstanceOf(CommitRequests.Outcome.class);
        assertThat(((CommitRequests.Outcome) r.result()).committed()).as("nobody may commit on a vote that never left").isFalse();
        assertThat(c.coordinatorLogged(TXN)).isEqualTo(TxnState.ABORT);
        for (NodeId p : PARTICIPANTS) assertThat(c.logged(p, TXN)).isIn(null, TxnState.ABORT);
        assertThat(c.balance(0)).isEqualTo(OPENING);
        assertThat(c.balance(1)).isEqualTo(OPENING);
    }
}
