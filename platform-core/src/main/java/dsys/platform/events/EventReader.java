package dsys.platform.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Reads {@code dsys.events} without a consumer group (assign + seek): a tail of the last N events, or a live
 * follow from the end. Each read opens its own short-lived consumer; reads are rare and user-driven.
 */
public class EventReader {

    private final Map<String, Object> config;
    private final String topic;
    private final ObjectMapper json;

    public EventReader(String bootstrap, String topic, ObjectMapper json) {
        this.topic = topic;
        this.json = json;
        this.config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 8000);
    }

    private KafkaConsumer<String, String> open() {
        return new KafkaConsumer<>(new HashMap<>(config));
    }

    /** The last {@code limit} events matching {@code filter}, ordered by true time then Lamport time. */
    public List<JsonNode> tail(int limit, Predicate<JsonNode> filter) {
        long deadline = System.nanoTime() + TAIL_BUDGET.toNanos();
        try (KafkaConsumer<String, String> c = open()) {
            List<TopicPartition> parts = c.partitionsFor(topic, left(deadline)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, left(deadline));
            // Filtering happens after reading, so read a generous window per partition.
            long window = Math.max(limit, 1) * 4L;
            for (TopicPartition tp : parts) c.seek(tp, Math.max(0, end.get(tp) - window));
            List<JsonNode> out = new ArrayList<>();
            while (!caughtUp(c, parts, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) parse(r.value(), filter, out::add);
            }
            out.sort(Comparator.comparingLong((JsonNode n) -> n.path("trueTimeMs").asLong())
                    .thenComparingLong(n -> n.path("lamport").asLong()));
            return out.subList(Math.max(0, out.size() - limit), out.size());
        }
    }

    /**
     * One budget for a whole read, under the gateway's 10 s limit: a fresh consumer's first metadata request is the
     * slow part on a broker that is busy (right after {@code ./platform up}, every node's producer and consumer
     * group connecting at once), and 3 s for each step answered 503 there.
     */
    private static final Duration TAIL_BUDGET = Duration.ofSeconds(8);

    private static Duration left(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> c, List<TopicPartition> parts, Map<TopicPartition, Long> end) {
        for (TopicPartition tp : parts) if (c.position(tp) < end.get(tp)) return false;
        return true;
    }

    /** Follows new events until {@code keepGoing} says stop; calls {@code sink} for each match. */
    public void follow(Predicate<JsonNode> filter, Consumer<JsonNode> sink, java.util.function.BooleanSupplier keepGoing) {
        try (KafkaConsumer<String, String> c = open()) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(3)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToEnd(parts);
            while (keepGoing.getAsBoolean()) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) parse(r.value(), filter, sink);
            }
        }
    }

    private void parse(String value, Predicate<JsonNode> filter, Consumer<JsonNode> sink) {
        try {
            JsonNode n = json.readTree(value);
            if (filter.test(n)) sink.accept(n);
        } catch (IOException ignored) {
            // not an event of ours: skip it
        }
    }
}
