package dsys.lock.sim;

import dsys.lock.node.LockConfig;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockReplies.LockView;
import dsys.lock.node.LockRequests;
import dsys.lock.stats.StatsView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Gathered answers count each node once, even when the network duplicates every reply. */
@ExtendWith(JudgedFromClients.class)
class ClusterViewTest {

    private static final Duration S = Duration.ofSeconds(3);

    @Test
    void duplicatedRepliesNeitherStandInForASlowNodeNorCountTwice() {
        LockSim ls = new LockSim(61, 3, LockConfig.sim());
        ls.settle("centralized", S);
        Granted g = ls.granted(ls.acquire(ls.node(2), "x", "alice", 500, 1000), S);
        ls.sim.network().duplicate(1.0).link(ls.node(3), ls.node(1), 0, Duration.ofMillis(30));

        StatsView stats = (StatsView) ls.await(ls.sim.request(ls.node(1), new LockRequests.Stats()), S);
        assertThat(stats.nodesAnswered()).as("lock-3 answered too, late").isEqualTo(3);
        assertThat(stats.algorithms().get(0).entries()).as("lock-2's one entry, counted once").isEqualTo(1);

        LockView view = (LockView) ls.await(ls.sim.request(ls.node(1), new LockRequests.Inspect("x")), S);
        assertThat(view.holder()).isEqualTo("alice");
        assertThat(view.fencingToken()).isEqualTo(g.fencingToken());
        assertThat(view.holderNode()).isEqualTo("lock-2");
    }
}
