package dsys.core.commit;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dsys.core.commit.CommitCluster.COORDINATOR;
import static dsys.core.commit.CommitCluster.PARTICIPANTS;
import static org.assertj.core.api.Assertions.assertThat;

/** GET /api/txn/{id}'s content: the coordinator's state and log, and each participant's record and locks. */
class InspectTest {

    private static final NodeId KV2 = PARTICIPANTS.get(1);

    private static CommitCoordinator.View inspect(CommitCluster c, String txn) {
        SimRequest r = c.sim.request(COORDINATOR, new CommitRequests.Inspect(txn));
        c.sim.runFor(Duration.ofSeconds(1));
        return (CommitCoordinator.View) r.result();
    }

    @Test
    void aCommittedTransfer_showsEveryParticipantsRecord() {
        CommitCluster c = new CommitCluster(3);
        c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.TWO_PHASE, CommitCluster.transfer(0, 1, 10), "seen"));
        c.sim.runFor(Duration.ofSeconds(1));
        CommitCoordinator.View v = inspect(c, "key-seen");
        assertThat(v.state()).isEqualTo(TxnState.COMMIT);
        assertThat(v.log()).anySatisfy(l -> assertThat(l).startsWith("commit.c.key-seen = COMMIT|2pc|txn-1|"))
                .anySatisfy(l -> assertThat(l).startsWith("commit.c-ended.key-seen"));
        assertThat(v.participantStates()).containsOnlyKeys("kv-1", "kv-2");
        v.participantStates().values().forEach(p -> {
            assertThat(p.state()).isEqualTo("COMMIT");
            assertThat(p.record()).startsWith("COMMIT|2pc|txn-1|");
            assertThat(p.locked()).isEmpty();
        });
    }

    @Test
    void aParticipantThatIsDown_isShownUnreachable_andTheOtherHoldsItsLock() {
        CommitCluster c = new CommitCluster(4);
        c.sim.armCrashPoint(KV2, CommitParticipant.AFTER_VOTE_LOGGED);
        // Hold the vote timeout off: the view is taken while the coordinator still waits in WAIT.
        c.sim.request(COORDINATOR, new CommitRequests.Begin(CommitProtocol.TWO_PHASE, CommitCluster.transfer(0, 1, 10), "held"));
        c.sim.runFor(Duration.ofMillis(50));
        SimRequest r = c.sim.request(COORDINATOR, new CommitRequests.Inspect("key-held"));
        c.sim.runFor(Duration.ofMillis(20));
        assertThat(r.done()).as("waits for kv-2 until the window ends").isFalse();
        c.sim.runFor(Duration.ofSeconds(1));
        CommitCoordinator.View v = (CommitCoordinator.View) r.result();
        assertThat(v.state()).isEqualTo(TxnState.WAIT);
        assertThat(v.participantStates().get("kv-1")).isEqualTo(new CommitCoordinator.ParticipantView("READY",
                "READY|2pc|txn-1|kv-1,kv-2", List.of(CommitCluster.account(0))));
        assertThat(v.participantStates().get("kv-2").state()).as("crashed").isNull();
    }

    @Test
    void anUnknownTransactionIsNotFound() {
        CommitCluster c = new CommitCluster(5);
        SimRequest r = c.sim.request(COORDINATOR, new CommitRequests.Inspect("nope"));
        c.sim.runFor(Duration.ofMillis(10));
        assertThat(r.result()).isInstanceOf(dsys.core.env.Rejection.class);
    }
}
