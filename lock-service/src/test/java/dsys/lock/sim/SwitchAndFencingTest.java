package dsys.lock.sim;

import dsys.core.env.Rejection;
import dsys.core.sim.SimRequest;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.AlgorithmSet;
import dsys.lock.node.LockReplies.FencedResult;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockRequests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Fencing tokens keep growing across algorithm switches, holds survive them, and stale tokens cannot write. */
@ExtendWith(JudgedFromClients.class)
class SwitchAndFencingTest {

    private static final Duration S = Duration.ofSeconds(5);

    @Test
    void tokensGrowAndHoldsSurviveAcrossSwitches() {
        LockSim ls = new LockSim(41, 3, LockConfig.sim().withAlgorithm("centralized"));
        ls.settle("centralized", S);
        long last = 0;
        Granted holder = ls.granted(ls.acquire(ls.node(1), "x", "h0", 900, 1000), S);
        for (String next : new String[]{"ricart-agrawala", "token-ring", "centralized", "token-ring", "ricart-agrawala"}) {
            SimRequest waiter = ls.acquire(ls.node(2), "x", "w-" + next, 900, 4000);
            Object set = ls.await(ls.sim.request(ls.node(3), new LockRequests.SwitchAlgorithm(next)), S);
            assertThat(set).isInstanceOf(AlgorithmSet.class);
            assertThat(((AlgorithmSet) set).algorithm()).isEqualTo(next);
            ls.sim.runFor(Duration.ofMillis(100));
            assertThat(waiter.finished()).as("the hold survived the switch to " + next).isFalse();
            assertThat(holder.fencingToken()).isGreaterThan(last);
            last = holder.fencingToken();
            ls.await(ls.release(ls.node(3), holder), S);
            holder = ls.granted(waiter, S);
            assertThat(holder.algorithm()).isEqualTo(next);
        }
        assertThat(holder.fencingToken()).isGreaterThan(last);
    }

    @Test
    void theFencedResourceRefusesAHolderWhoseLeaseRanOut() {
        LockSim ls = new LockSim(42, 3, LockConfig.sim().withAlgorithm("ricart-agrawala"));
        ls.settle("ricart-agrawala", S);
        Granted slow = ls.granted(ls.acquire(ls.node(2), "doc", "slow", 150, 1000), S);
        ls.await(ls.sim.request(ls.node(3), new LockRequests.FencedWrite("doc", slow.fencingToken(), "v1")), S);
        // "slow" pauses (a GC, say) past its lease; "fast" gets the lock and writes
        Granted fast = ls.granted(ls.acquire(ls.node(3), "doc", "fast", 500, 1000), S);
        ls.await(ls.sim.request(ls.node(1), new LockRequests.FencedWrite("doc", fast.fencingToken(), "v2")), S);
        Rejection stale = ls.rejected(ls.sim.request(ls.node(2),
                new LockRequests.FencedWrite("doc", slow.fencingToken(), "v1-late")), S);
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.type()).isEqualTo("stale-token");
        FencedResult r = (FencedResult) ls.await(ls.sim.request(ls.node(2), new LockRequests.FencedRead("doc")), S);
        assertThat(r.value()).isEqualTo("v2");
    }
}
