package dsys.lock.sim;

import dsys.core.sim.SimRequest;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.Granted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Centralized, n = 3: the coordinator records a hold before its grant leaves for another node, so that node (the
 * second of the majority) answers its client at once, with no RecordHold round trip. The record must be real: when
 * that node crashes right after answering and the coordinator restarts (its memory of the hold gone), the new epoch
 * still withholds the name for the client's lease, from the coordinator's record alone.
 */
@ExtendWith(JudgedFromClients.class)
class CoordinatorRecordTest {

    private static final Duration S = Duration.ofSeconds(5);
    private static final long LEASE_MS = 600;

    @Test
    void aGrantToAnotherNodeCostsNoRecordRoundTripAndItsReleaseNoHoldEnded() {
        LockSim ls = new LockSim(7, 3, LockConfig.sim().withAlgorithm("centralized"));
        ls.settle("centralized", S);
        ls.sim.resetCounts();
        Granted alice = ls.granted(ls.acquire(ls.node(1), "x", "alice", LEASE_MS, 1_000), S); // node 3 coordinates
        Map<String, Long> sent = ls.sim.messageCounts();
        assertThat(sent).as("%s", sent).containsEntry("Request", 1L).containsEntry("Grant", 1L)
                .doesNotContainKeys("RecordHold", "HoldRecorded");
        ls.await(ls.release(ls.node(1), alice), S);
        ls.sim.runFor(Duration.ofMillis(50));
        sent = ls.sim.messageCounts();
        // the Release drops the coordinator's record; nobody else recorded the hold
        assertThat(sent).as("%s", sent).containsEntry("Release", 1L).doesNotContainKeys("HoldEnded");
        Granted bob = ls.granted(ls.acquire(ls.node(2), "x", "bob", LEASE_MS, 1_000), S);
        assertThat(bob.fencingToken()).isGreaterThan(alice.fencingToken());
        ls.assertSafe();
    }

    @Test
    void theCoordinatorsRecordAloneWithholdsTheNameWhenTheActingNodeCrashes() {
        for (long seed = 1; seed <= 20; seed++) {
            LockSim ls = new LockSim(seed, 3, LockConfig.sim().withAlgorithm("centralized"));
            ls.settle("centralized", S);
            var acting = ls.node(1); // not the coordinator (node 3): only the coordinator's record backs this grant
            SimRequest acquire = ls.acquire(acting, "held", "alice", LEASE_MS, 1_000);
            ls.granted(acquire, S);
            long leaseEnd = acquire.invokedAt() + Duration.ofMillis(LEASE_MS).toNanos();
            ls.sim.crash(acting);
            ls.sim.crash(ls.node(3));
            ls.sim.restart(ls.node(3));

            SimRequest held = ls.acquire(ls.node(2), "held", "carol", 300, 3_000);
            ls.granted(held, S);
            assertThat(held.completedAt()).as("seed %d: alice's name, not before her lease ended", seed)
                    .isGreaterThanOrEqualTo(leaseEnd);
            ls.assertSafe();
        }
    }

    @Test
    void aReleasedHoldLeavesNoRecordThatWouldWithholdItsNameLater() {
        long lease = 1_000;
        LockSim ls = new LockSim(3, 3, LockConfig.sim().withAlgorithm("centralized"));
        ls.settle("centralized", S);
        SimRequest acquire = ls.acquire(ls.node(1), "x", "alice", lease, 1_000); // node 3 coordinates and records
        Granted alice = ls.granted(acquire, S);
        ls.await(ls.release(ls.node(1), alice), S);
        ls.sim.runFor(Duration.ofMillis(50));
        // alice's node gone, the coordinator restarted (storage kept): a record it still held would make the new
        // epoch withhold x as possibly held outside it
        ls.sim.crash(ls.node(1));
        ls.sim.crash(ls.node(3));
        ls.sim.restart(ls.node(3));
        SimRequest bob = ls.acquire(ls.node(2), "x", "bob", lease, 5_000);
        ls.granted(bob, S);
        assertThat(bob.completedAt()).as("x was released: nothing may withhold it for alice's lease")
                .isLessThan(acquire.invokedAt() + Duration.ofMillis(lease).toNanos());
        ls.assertSafe();
    }
}
