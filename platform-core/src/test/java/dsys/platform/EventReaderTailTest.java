package dsys.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.platform.events.EventReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The tail finds a rare kind among many others, newest first, however far back it lies. */
class EventReaderTailTest {

    private static EmbeddedKafkaBroker kafka;
    private static EventReader reader;

    @BeforeAll
    static void fill() throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, 3, "dsys.events");
        kafka.afterPropertiesSet();
        try (var p = new KafkaProducer<String, String>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            long t = 1_000;
            // rare events: 5 early, then 30,000 others, then 2 late ones
            for (int i = 0; i < 5; i++) send(p, "txn.early", i, t++);
            for (int i = 0; i < 30_000; i++) send(p, "kv.put", i, t++);
            for (int i = 0; i < 2; i++) send(p, "txn.late", i, t++);
            p.flush();
        }
        reader = new EventReader(kafka.getBrokersAsString(), "dsys.events", new ObjectMapper());
    }

    private static void send(KafkaProducer<String, String> p, String kind, int i, long trueTime) {
        p.send(new ProducerRecord<>("dsys.events", "node-" + (i % 3),
                "{\"kind\":\"" + kind + "\",\"i\":" + i + ",\"trueTimeMs\":" + trueTime + ",\"lamport\":" + trueTime + "}"));
    }

    @AfterAll
    static void stop() {
        kafka.destroy();
    }

    private static List<String> kinds(List<JsonNode> events) {
        return events.stream().map(e -> e.path("kind").asText() + "#" + e.path("i").asInt()).toList();
    }

    @Test
    void findsEveryRareEventBehindManyOthers() {
        List<JsonNode> txn = reader.tail(200, e -> e.path("kind").asText().startsWith("txn."));
        assertThat(kinds(txn)).containsExactly("txn.early#0", "txn.early#1", "txn.early#2", "txn.early#3", "txn.early#4",
                "txn.late#0", "txn.late#1");
    }

    @Test
    void keepsOnlyTheNewestWhenMoreMatch() {
        assertThat(kinds(reader.tail(3, e -> e.path("kind").asText().startsWith("txn.")))).containsExactly("txn.early#4",
                "txn.late#0", "txn.late#1");
        List<JsonNode> last = reader.tail(10, e -> true);
        assertThat(last).hasSize(10);
        assertThat(last.get(9).path("kind").asText()).isEqualTo("txn.late");
        assertThat(last.get(0).path("trueTimeMs").asLong()).isEqualTo(1_000 + 5 + 30_000 + 2 - 10);
    }
}
