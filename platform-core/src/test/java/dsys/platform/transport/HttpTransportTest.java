package dsys.platform.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.clock.DriftingClock;
import dsys.core.clock.VectorTime;
import dsys.core.fault.FaultState;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;
import dsys.platform.host.NodeRuntime;
import dsys.platform.node.NodeIdentity;
import dsys.platform.storage.FileDurable;
import dsys.testing.TestNodes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The sending side alone, against a peer that is down. */
class HttpTransportTest {

    record Note(int i) implements Message {
    }

    @Test
    void messagesToADeadPeerAreDroppedAndCountedNotRetriedForever(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nobody listens there once closed: connections are refused
        }
        NodeId self = NodeId.of("n-1"), peer = NodeId.of("n-2");
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        NodeIdentity id = new NodeIdentity(self, Membership.of("n-1", "n-2"), "n");
        try (NodeRuntime node = new NodeRuntime(id, DriftingClock.perfect(System::nanoTime), new FileDurable(dir),
                new FaultState(), e -> { })) {
            PeerDirectory peers = new PeerDirectory(Map.of("n-2", "http://127.0.0.1:" + closed),
                    new StaticListableBeanFactory().getBeanProvider(org.springframework.cloud.client.discovery.DiscoveryClient.class), "n");
            PeerAuth auth = new PeerAuth(id, ClusterSecret.of(TestNodes.CLUSTER_SECRET, id));
            HttpTransport transport = new HttpTransport(node, peers, auth, new ObjectMapper(), metrics, Duration.ofSeconds(1));
            for (int i = 0; i < 50; i++) {
                transport.send("g", new Envelope("n-1-" + i, self, peer, "Note", i, VectorTime.ZERO, new Note(i)));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (dropped(metrics) < 50 && System.nanoTime() < deadline) Thread.sleep(10);
            // a link that cannot connect gives up its oldest batch per attempt (before: it retried the same queue
            // for ever and nothing was ever counted)
            assertThat(dropped(metrics)).as("every message counted once as lost").isEqualTo(50);
            assertThat(metrics.find("dsys.messages.sent").counters()).allSatisfy(c -> assertThat(c.count()).isZero());
        }
    }

    private static double dropped(SimpleMeterRegistry metrics) {
        return metrics.find("dsys.messages.dropped").tag("reason", "unreachable").counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }
}
