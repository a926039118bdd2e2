package dsys.kv.active;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import dsys.kv.quorum.Versioned;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two compare-and-sets on the same version, at once at two replicas (a third one through the forwarding node in half
 * the seeds), under a noisy network: each is judged at its place in the total order, so exactly one wins, the others
 * get 412, and every replica's disk holds the winner's value.
 */
class CompareAndSetTest {

    @Test
    void exactlyOneOfConcurrentCompareAndSetsWinsEverywhere() {
        Seeds.run("active compare-and-set", 30, seed -> {
            ActiveSim s = new ActiveSim(seed, 4, 3, QuorumSettings.sim());
            s.kv.sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(10)).loss(0.05).duplicate(0.05)
                    .reorder(0.1, Duration.ofMillis(8));
            KvReplies.Written base = s.kv.written(s.kv.put(s.node(1), "k", "base"));
            s.kv.sim.runFor(Duration.ofMillis(100));
            SimRequest a = s.kv.cas(s.node(1), "k", "a", base.version());
            SimRequest b = s.kv.cas(s.node(2), "k", "b", base.version());
            SimRequest c = seed % 2 == 0 ? s.kv.cas(s.node(4), "k", "c", base.version()) : null;
            s.kv.await(a, Duration.ofSeconds(2));
            s.kv.await(b, Duration.ofSeconds(2));
            if (c != null) s.kv.await(c, Duration.ofSeconds(2));
            String winner = null;
            int wins = 0;
            for (SimRequest r : c == null ? new SimRequest[]{a, b} : new SimRequest[]{a, b, c}) {
                if (r.result() instanceof KvReplies.Written) {
                    wins++;
                    winner = ((dsys.kv.quorum.KvRequests.Put) r.body()).value();
                } else {
                    assertThat(r.result()).isInstanceOf(Rejection.class);
                    assertThat(((Rejection) r.result()).status()).as("%s", r.result()).isEqualTo(412);
                }
            }
            assertThat(wins).as("exactly one compare-and-set wins").isEqualTo(1);
            s.kv.sim.runFor(Duration.ofMillis(300));
            for (NodeId n : s.replicas) {
                Versioned v = s.data(n).get("k");
                assertThat(v.value()).as("%s's disk", n).isEqualTo(winner);
            }
        });
    }
}
