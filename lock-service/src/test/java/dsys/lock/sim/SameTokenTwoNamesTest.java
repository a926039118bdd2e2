package dsys.lock.sim;

import dsys.core.sim.SimRequest;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockReplies.Released;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fencing token orders the grants of one lock, not of all locks: under the token ring each name's token carries its
 * own counter, so two names first granted at the same node in one epoch get the same token value. The hold records
 * (and the grants waiting for them) are a hold's identity across names: when one name's hold ends, the other's record
 * must stay. Seen live as "granted at lock-3 but no majority recorded it in time" under load on distinct locks, and
 * unsafe after a crash: the new epoch did not know the other name was held.
 */
@ExtendWith(JudgedFromClients.class)
class SameTokenTwoNamesTest {

    private static final Duration S = Duration.ofSeconds(5);
    private static final long LEASE_MS = 800;

    @Test
    void theEndOfOneNamesHoldLeavesTheOtherNamesRecord() {
        LockConfig config = LockConfig.sim().withAlgorithm("token-ring");
        for (long seed = 1; seed <= 20; seed++) {
            LockSim ls = new LockSim(seed, 3, config);
            ls.settle("token-ring", S);
            var grantor = ls.node(3);
            Granted alice = ls.granted(ls.acquire(grantor, "a", "alice", LEASE_MS, 2_000), S);
            SimRequest second = ls.acquire(grantor, "b", "bob", LEASE_MS, 2_000);
            Granted bob = ls.granted(second, S);
            assertThat(bob.fencingToken()).as("seed %d: both names' first grant at one node", seed)
                    .isEqualTo(alice.fencingToken());
            assertThat(ls.await(ls.release(grantor, alice), S)).as("seed %d", seed).isInstanceOf(Released.class);
            long bobsLeaseEnd = second.invokedAt() + Duration.ofMillis(LEASE_MS).toNanos();

            ls.sim.crash(grantor);
            SimRequest carols = ls.acquire(ls.node(1), "b", "carol", 300, 4_000);
            ls.granted(carols, S);
            assertThat(carols.completedAt()).as("seed %d: bob's name, not before his lease ended", seed)
                    .isGreaterThanOrEqualTo(bobsLeaseEnd);
            ls.assertSafe();
        }
    }
}
