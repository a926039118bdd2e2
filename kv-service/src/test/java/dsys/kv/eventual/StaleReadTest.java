package dsys.kv.eventual;

import dsys.core.sim.Seeds;
import dsys.core.sim.SimRequest;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Eventual, not linearizable: a read at another replica that starts after a write was acknowledged can still
 * return the old value (a linearizable store would have to return the new one), and a while later every replica
 * returns the new one.
 */
class StaleReadTest {

    @Test
    void aReadElsewhereRightAfterAWriteIsStaleThenCatchesUp() {
        Seeds.run("stale read", 20, seed -> {
            EventualSim s = new EventualSim(seed, 3, 0, QuorumSettings.sim());
            s.sim.runFor(Duration.ofMillis(10));
            KvReplies.Written first = s.written(s.put(s.node(1), "k", "old"));
            s.sim.runFor(Duration.ofSeconds(2));
            assertThat(s.value(s.get(s.node(2), "k")).value()).as("settled").isEqualTo("old");

            SimRequest write = s.put(s.node(1), "k", "new");
            KvReplies.Written second = s.written(write);
            SimRequest read = s.get(s.node(2), "k");
            KvReplies.Value stale = s.value(read);
            assertThat(read.invokedAt()).as("the read began after the write was acknowledged").isGreaterThanOrEqualTo(write.completedAt());
            assertThat(stale.value()).as("kv-2 has not heard of the write yet").isEqualTo("old");
            assertThat(stale.version()).isEqualTo(first.version());
            assertThat(second.version().isAfter(first.version())).isTrue();

            s.sim.runFor(Duration.ofSeconds(1));
            for (var n : s.replicas) {
                KvReplies.Value v = s.value(s.get(n, "k"));
                assertThat(v.value()).as("at %s once the update spread", n).isEqualTo("new");
                assertThat(v.version()).isEqualTo(second.version());
            }
        });
    }
}
