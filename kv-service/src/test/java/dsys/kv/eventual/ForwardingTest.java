package dsys.kv.eventual;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** kv-4 holds no replica of the keyspace: it forwards to one, tries the next when one is silent, and gives up at the deadline. */
class ForwardingTest {

    @Test
    void aNodeWithoutAReplicaForwardsToOne() {
        EventualSim s = new EventualSim(1, 3, 1, QuorumSettings.sim());
        NodeId outsider = s.node(4);
        s.sim.runFor(Duration.ofMillis(10));
        KvReplies.Written w = s.written(s.put(outsider, "k", "v"));
        assertThat(w.messages()).containsEntry("ForwardWrite", 1).containsEntry("Forwarded", 1);
        s.sim.runFor(Duration.ofSeconds(1));
        assertThat(s.value(s.get(outsider, "k")).value()).isEqualTo("v");
        assertThat(((KeyPage) s.await(s.sim.request(outsider, new KeyPage.Request("", null, 10)))).keys())
                .extracting(KeyPage.Key::key).containsExactly("k");
        assertThat(s.disk(outsider).items()).as("no replica on kv-4").isEmpty();
        assertThat(((KvReplies.ReplicaView) s.await(s.sim.request(outsider, new KvRequests.Inspect("k")))).state()).isNull();
        assertThat(s.written(s.delete(outsider, "k")).deleted()).isTrue();
    }

    @Test
    void silentReplicasAreSkippedUntilTheDeadline() {
        EventualSim s = new EventualSim(2, 3, 1, QuorumSettings.sim());
        NodeId outsider = s.node(4);
        s.sim.runFor(Duration.ofMillis(10));
        s.sim.crash(s.node(1));
        s.sim.crash(s.node(2));
        KvReplies.Written w = s.written(s.put(outsider, "k", "v"));
        assertThat(w.version().node()).as("the one replica up took it").isEqualTo("kv-3");

        s.sim.network().isolate(outsider);
        Rejection read = (Rejection) s.await(s.get(outsider, "k"));
        assertThat(read.status()).as("no replica answered a read: certainly nothing happened").isEqualTo(503);
        Rejection write = (Rejection) s.await(s.put(outsider, "k", "w"));
        assertThat(write.status()).as("no replica answered a write: it may have been applied").isEqualTo(504);
    }
}
