package dsys.core.commit;

import dsys.core.sim.SimRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dsys.core.commit.CommitCluster.COORDINATOR;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A participant acknowledges a decision along with its next vote to the same coordinator, or alone once
 * {@link CommitParticipant#ACK_RIDE} has passed: back-to-back transactions cost no acknowledgement of their own, and
 * every transaction still ends.
 */
class AcknowledgementsRideTest {

    private static final String ACK = "DecisionAck";

    private static List<SimRequest> transfers(CommitCluster c, int count, long everyMs) {
        List<SimRequest> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            var begin = new CommitRequests.Begin(CommitProtocol.TWO_PHASE, CommitCluster.transfer(0, 1, 1), "r" + i);
            out.add(c.sim.requestAt(Duration.ofNanos(c.sim.now()).plusMillis(everyMs * i), COORDINATOR, begin));
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
    void backToBackTransactionsAcknowledgeWithTheirNextVotes_theLastOnesAlone(long seed) {
        CommitCluster c = new CommitCluster(seed);
        c.sim.resetCounts();
        List<SimRequest> sent = transfers(c, 20, 10); // a vote to txn-1 from kv-1 and kv-2 every 10 ms
        c.sim.runFor(Duration.ofSeconds(2));
        assertThat(sent).allSatisfy(r -> assertThat(r.done()).isTrue());
        assertThat(c.coordinator().openTransactions()).as("every transaction ended").isZero();
        long acks = c.sim.messageCounts().getOrDefault(ACK, 0L);
        // 20 transactions × 2 participants acknowledged (40 messages before); alone, only what no vote took along in
        // time: the last ones, and those the simulated network delayed past the ride.
        assertThat(acks).as("acknowledgements sent alone, of 40").isBetween(1L, 12L);
        long total = 0;
        for (int a = 0; a < CommitCluster.ACCOUNTS; a++) total += c.balance(a);
        assertThat(total).as("money is conserved").isEqualTo(CommitCluster.ACCOUNTS * CommitCluster.OPENING);
        assertThat(c.balance(0)).as("every transfer committed or none lost").isLessThan(CommitCluster.OPENING);
    }

    @Test
    void aLoneTransactionIsAcknowledgedAfterTheRide_andEnds() {
        CommitCluster c = new CommitCluster(8);
        c.sim.resetCounts();
        SimRequest r = transfers(c, 1, 0).get(0);
        c.sim.runUntil(r::done, Duration.ofSeconds(1));
        assertThat(c.coordinator().openTransactions()).as("decided, not acknowledged yet").isEqualTo(1);
        c.sim.runFor(CommitParticipant.ACK_RIDE.plusMillis(50));
        assertThat(c.sim.messageCounts().getOrDefault(ACK, 0L)).as("one per participant").isEqualTo(2);
        assertThat(c.coordinator().openTransactions()).isZero();
    }
}
