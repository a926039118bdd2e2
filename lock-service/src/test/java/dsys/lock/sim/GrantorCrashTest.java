package dsys.lock.sim;

import dsys.core.sim.SimRequest;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockReplies.Renewed;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node that granted a lock (and, under centralized, the coordinator itself) crashes while its client holds the
 * lock. Its grant and renewal were recorded at a majority before the client heard of them, so the new epoch knows
 * exactly which name that node may still hold: every other name is granted as soon as the epoch is there, the held
 * one only once its renewed lease can have ended (stretched for drift), and not a whole maximal lease later.
 */
@ExtendWith(JudgedFromClients.class)
class GrantorCrashTest {

    private static final Duration S = Duration.ofSeconds(5);
    private static final long LEASE_MS = 600;

    @ParameterizedTest
    @ValueSource(strings = {"centralized", "ricart-agrawala", "token-ring"})
    void theNewEpochGrantsOtherNamesAtOnceAndTheHeldOneAfterItsLease(String algorithm) {
        LockConfig config = LockConfig.sim().withAlgorithm(algorithm);
        for (long seed = 1; seed <= 20; seed++) {
            LockSim ls = new LockSim(seed, 3, config);
            ls.settle(algorithm, S);
            var grantor = ls.node(3);  // under centralized the bully coordinator: its own grants had no other witness
            SimRequest acquire = ls.acquire(grantor, "held", "alice", LEASE_MS, 1_000);
            Granted alice = ls.granted(acquire, S);
            ls.sim.runFor(Duration.ofMillis(100));
            SimRequest renew = ls.renew(grantor, alice);
            assertThat(ls.await(renew, S)).as("seed %d", seed).isInstanceOf(Renewed.class);
            // alice's lease, as she may count on it: from her renewal request on
            long leaseEnd = renew.invokedAt() + Duration.ofMillis(LEASE_MS).toNanos();
            ls.sim.crash(grantor);
            long crash = ls.sim.now();

            SimRequest fresh = ls.acquire(ls.node(1), "fresh", "bob", 300, 2_000);
            SimRequest held = ls.acquire(ls.node(2), "held", "carol", 300, 3_000);
            Granted bob = ls.granted(fresh, S);
            Granted carol = ls.granted(held, S);

            assertThat(fresh.completedAt()).as("seed %d: another name, granted while alice's lease runs", seed)
                    .isLessThan(leaseEnd);
            assertThat(held.completedAt()).as("seed %d: alice's name, not before her lease ended", seed)
                    .isGreaterThanOrEqualTo(leaseEnd);
            // before: every name waited graceMs (maxLease + fresh, stretched) after the new epoch's commit
            assertThat(held.completedAt() - crash).as("seed %d: withheld for alice's lease, not a whole grace", seed)
                    .isLessThan(Duration.ofMillis(config.graceMs()).toNanos());
            assertThat(bob.fencingToken()).isGreaterThan(alice.fencingToken());
            assertThat(carol.fencingToken()).isGreaterThan(alice.fencingToken());
            ls.assertSafe();
        }
    }
}
