package dsys.lock.sim;

import dsys.core.env.Rejection;
import dsys.lock.lease.Fencing;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.Granted;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Notes §6.2: a crashed process never answers, and its silence reads as "no": everyone blocks. With failure
 * detection and membership (an epoch without the silent node) the others go on.
 */
@ExtendWith(JudgedFromClients.class)
class RicartSilenceTest {

    private static final Duration S = Duration.ofSeconds(5);

    @Test
    void withoutMembershipChangesACrashedPeerBlocksEveryone() {
        LockSim ls = new LockSim(21, 3, LockConfig.sim().withAlgorithm("ricart-agrawala").withMembershipChanges(false));
        ls.settle("ricart-agrawala", S);
        ls.sim.crash(ls.node(3));
        for (int i = 1; i <= 2; i++) {
            Rejection r = ls.rejected(ls.acquire(ls.node(i), "x", "c" + i, 300, 1_500), S);
            assertThat(r.status()).isEqualTo(409);
            assertThat(r.detail()).contains("within waitMs");
        }
    }

    @Test
    void failureDetectionDropsTheSilentPeerAndTheOthersGoOn() {
        LockSim ls = new LockSim(22, 3, LockConfig.sim().withAlgorithm("ricart-agrawala"));
        ls.settle("ricart-agrawala", S);
        Granted before = ls.granted(ls.acquire(ls.node(1), "x", "a", 200, 1_000), S);
        ls.await(ls.release(ls.node(1), before), S);
        ls.sim.crash(ls.node(3));
        Granted after = ls.granted(ls.acquire(ls.node(1), "x", "b", 300, 4_000), S);
        assertThat(ls.core(ls.node(1)).view().members()).containsExactly("lock-1", "lock-2");
        assertThat(Fencing.epoch(after.fencingToken())).isGreaterThan(Fencing.epoch(before.fencingToken()));
        // every hold is recorded at a majority before it is answered, so the new epoch knows lock-3 holds nothing:
        // "x" is granted as soon as the epoch without lock-3 is there, long before a whole lease would have passed
        assertThat(after.waitedMs()).isLessThan(LockConfig.sim().maxLeaseMs() / 2);
        ls.sim.restart(ls.node(3));
        ls.settle("ricart-agrawala", S);
        assertThat(ls.core(ls.node(1)).view().members()).as("back in").containsExactly("lock-1", "lock-2", "lock-3");
    }
}
