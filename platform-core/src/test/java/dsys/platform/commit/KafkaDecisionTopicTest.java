package dsys.platform.commit;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.commit.DecisionTopic.Published;
import dsys.platform.node.DsysProperties;
import dsys.platform.node.NodeIdentity;
import dsys.platform.transport.ClusterSecret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The decisions topic's sender: what queued while the broker answered goes out together, not one decision per round
 * trip; a decision the broker refused goes again; every decision is counted once as sent.
 */
class KafkaDecisionTopicTest {

    private static DecisionCodec codec() {
        DsysProperties p = new DsysProperties();
        p.setNode("txn-1");
        p.setMembers(List.of("txn-1"));
        p.setLinks(List.of("kv-1"));
        return new DecisionCodec(ClusterSecret.of("a-cluster-secret-of-some-length", NodeIdentity.from(p, "txn-coordinator")),
                new ObjectMapper());
    }

    private static Published decision(int i) {
        return new Published("txn-1-1-" + i, i % 2 == 0, "txn-1", List.of("kv-1", "kv-2"));
    }

    @Test
    void queuedDecisionsGoTogetherAndARefusedOneGoesAgain() {
        MockProducer<String, String> broker = new MockProducer<>(false, new StringSerializer(), new StringSerializer());
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (KafkaDecisionTopic topic = new KafkaDecisionTopic(broker, codec(), metrics)) {
            topic.publish(decision(0));
            await(() -> broker.history().size() == 1);
            for (int i = 1; i <= 3; i++) topic.publish(decision(i)); // queue while the broker has not answered

            assertThat(broker.completeNext()).isTrue();
            await(() -> broker.history().size() == 4);
            assertThat(keys(broker)).as("the three queued ones sent before any answer")
                    .containsExactly("txn-1-1-0", "txn-1-1-1", "txn-1-1-2", "txn-1-1-3");

            assertThat(broker.errorNext(new RuntimeException("not enough replicas"))).isTrue();
            assertThat(broker.completeNext()).isTrue();
            assertThat(broker.completeNext()).isTrue();
            await(() -> broker.history().size() == 5); // after the sender's pause
            assertThat(keys(broker).get(4)).as("the refused one again").isEqualTo("txn-1-1-1");
            assertThat(broker.completeNext()).isTrue();
            await(() -> metrics.counter("dsys.txn.decisions.published", "result", "sent").count() == 4);
            assertThat(metrics.counter("dsys.txn.decisions.published", "result", "retried").count()).isEqualTo(1);
            assertThat(codec().decode(broker.history().get(4).value())).isEqualTo(decision(1));
        }
    }

    private static List<String> keys(MockProducer<String, String> broker) {
        return broker.history().stream().map(ProducerRecord::key).toList();
    }

    private static void await(Callable<Boolean> done) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(done);
    }
}
