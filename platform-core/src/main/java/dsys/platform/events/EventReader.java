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

    /**
     * The last {@code limit} events matching {@code filter}, ordered by true time then Lamport time. Reads backwards
     * from each partition's end in chunks that double, until the partition gave {@code limit} matches or has no older
     * records: a sparse kind (a few {@code txn.*} among many {@code kv.*}) is still found, and when the budget runs out
     * what is missing is the oldest, never the newest.
     */
    public List<JsonNode> tail(int limit, Predicate<JsonNode> filter) {
        long deadline = System.nanoTime() + TAIL_BUDGET.toNanos();
        try (KafkaConsumer<String, String> c = open()) {
            List<TopicPartition> parts = c.partitionsFor(topic, left(deadline)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts, left(deadline));
            Map<TopicPartition, Long> upTo = new HashMap<>(c.endOffsets(parts, left(deadline)));
            Map<TopicPartition, Integer> found = new HashMap<>();
            List<JsonNode> out = new ArrayList<>();
            long chunk = Math.max(limit, 1) * 2L;
            while (System.nanoTime() < deadline) {
                Map<TopicPartition, long[]> ranges = new HashMap<>();
                for (TopicPartition tp : parts) {
                    long to = upTo.get(tp);
                    if (to <= begin.get(tp) || found.getOrDefault(tp, 0) >= limit) continue;
                    long from = Math.max(begin.get(tp), to - chunk);
                    ranges.put(tp, new long[]{from, to});
                    c.seek(tp, from);
                }
                if (ranges.isEmpty()) break;
                List<TopicPartition> idle = parts.stream().filter(tp -> !ranges.containsKey(tp)).toList();
                c.resume(parts);
                c.pause(idle);
                readRanges(c, ranges, filter, out, found, deadline);
                ranges.forEach((tp, r) -> upTo.put(tp, r[0]));
                chunk *= 2;
            }
            out.sort(Comparator.comparingLong((JsonNode n) -> n.path("trueTimeMs").asLong())
                    .thenComparingLong(n -> n.path("lamport").asLong()));
            return out.subList(Math.max(0, out.size() - limit), out.size());
        }
    }

    /** Reads each partition's [from, to) once; records at or past {@code to} were read in an earlier round. */
    private void readRanges(KafkaConsumer<String, String> c, Map<TopicPartition, long[]> ranges, Predicate<JsonNode> filter,
                            List<JsonNode> out, Map<TopicPartition, Integer> found, long deadline) {
        Map<TopicPartition, long[]> open = new HashMap<>(ranges);
        while (!open.isEmpty() && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                long[] range = open.get(tp);
                if (range == null || r.offset() >= range[1]) continue;
                parse(r.value(), filter, n -> {
                    out.add(n);
                    found.merge(tp, 1, Integer::sum);
                });
            }
            open.entrySet().removeIf(e -> {
                boolean done = c.position(e.getKey()) >= e.getValue()[1];
                if (done) c.pause(List.of(e.getKey()));
                return done;
            });
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
