package dsys.kv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.event.Event;
import dsys.kv.active.ActiveStore;
import dsys.kv.quorum.Versioned;
import dsys.platform.events.EventPublisher;
import dsys.platform.storage.FileDurable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An active keyspace sequenced by Kafka (embedded broker), three nodes over HTTP: writes under load at every node;
 * kv-3 is stopped (its process gone, its disk kept) while kv-1 and kv-2 go on writing, then started again. It
 * replays the partition from the offset after the one it had stored and converges: every node holds the same
 * data and has applied exactly the topic's distinct operations, none twice. A record then appended again to the
 * topic (a redelivery, as a producer retry would make) is skipped everywhere.
 */
class KafkaSequencerLiveTest {

    private static final String KS = "seq";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EmbeddedKafkaBroker kafka;
    private static KvLiveCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        kafka = new EmbeddedKafkaKraftBroker(1, 1);
        kafka.afterPropertiesSet();
        cluster = new KvLiveCluster(3, "dsys.kafka.enabled=true", "spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                "dsys.kv.catalog-refresh-ms=200", "dsys.kv.deadline-ms=3000");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
        if (kafka != null) kafka.destroy();
    }

    @Test
    void aNodeStoppedUnderLoadReplaysFromItsOffsetAndConverges_andARedeliveredRecordIsAppliedOnce() throws Exception {
        HttpResponse<byte[]> created = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"" + KS + "\",\"mode\":\"active\",\"sequencer\":\"kafka\"}");
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        assertThat(JSON.readTree(created.body()).path("sequencer").asText()).isEqualTo("kafka");
        for (String n : List.of("kv-1", "kv-2", "kv-3")) {
            await(n + " writes once it knows the keyspace and its topic is ready", () -> put(n, "ready-" + n, "1") == 200);
        }

        AtomicBoolean stopLoad = new AtomicBoolean();
        AtomicInteger whileDown = new AtomicInteger();
        AtomicBoolean kv3Down = new AtomicBoolean();
        ExecutorService load = Executors.newFixedThreadPool(3);
        List<Future<Integer>> writers = new ArrayList<>();
        for (String n : List.of("kv-1", "kv-2", "kv-3")) {
            writers.add(load.submit(() -> {
                int ok = 0;
                for (int i = 0; !stopLoad.get(); i++) {
                    try {
                        if (put(n, n + "-" + i % 25, Integer.toString(i)) == 200) {
                            ok++;
                            if (kv3Down.get()) whileDown.incrementAndGet();
                        }
                    } catch (AssertionError e) { // kv-3 stopped: connection refused; try again a little later
                        Thread.sleep(50);
                    }
                }
                return ok;
            }));
        }
        Thread.sleep(1500);
        cluster.stop("kv-3");
        kv3Down.set(true);
        long stored = storedWhileStopped("kv-3");
        Thread.sleep(1500);
        kv3Down.set(false);
        cluster.start("kv-3");
        Thread.sleep(1000);
        stopLoad.set(true);
        int written = 0;
        for (Future<Integer> w : writers) written += w.get();
        load.shutdown();
        assertThat(whileDown.get()).as("kv-1 and kv-2 went on writing while kv-3 was down").isPositive();

        Topic topic = readTopic();
        await("every node applied the topic's " + topic.ops.size() + " operations once", () -> converged(topic.ops.size()));
        SortedMap<String, Versioned> data = data("kv-1");
        assertThat(data("kv-2")).isEqualTo(data);
        assertThat(data("kv-3")).as("kv-3 holds what the others hold").isEqualTo(data);
        assertThat(written).as("acknowledged writes are operations in the topic").isLessThanOrEqualTo(topic.ops.size());

        List<Event> replays = events("kv-3", "kv.active.seq.replay");
        assertThat(replays).as("kv-3 replayed after its restart").isNotEmpty();
        assertThat(((Number) replays.get(0).fields().get("from")).longValue()).as("from the offset after the one it stored")
                .isEqualTo(stored + 1);
        assertThat(((Number) replays.get(0).fields().get("count")).longValue()).as("what it missed").isPositive();

        System.out.printf("kafka sequencer live: %d writes acknowledged (%d while kv-3 was down), %d records, %d operations; "
                + "kv-3 stored offset %d, replayed %s%n", written, whileDown.get(), topic.records.size(), topic.ops.size(), stored,
                replays.get(0).fields());

        ConsumerRecord<String, String> first = topic.records.get(0);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()),
                new StringSerializer(), new StringSerializer())) {
            p.send(new ProducerRecord<>(first.topic(), 0, first.key(), first.value())).get();
        }
        long end = topic.records.size(); // the copy's offset
        for (String n : List.of("kv-1", "kv-2", "kv-3")) {
            await(n + " read the copy", () -> offset(cluster.bean(n, FileDurable.class)) == end);
            assertThat(applied(n)).as("%s applied the copy of %s not again", n, first.key()).isEqualTo(topic.ops.size());
            assertThat(events(n, "kv.active.seq.duplicate")).anyMatch(e -> ((Number) e.fields().get("offset")).longValue() == end);
        }
        assertThat(data("kv-3")).isEqualTo(data);
    }

    private record Topic(List<ConsumerRecord<String, String>> records, Set<String> ops) {
    }

    /** Every record of the keyspace's topic, read from the start; ops: their distinct keys (operation ids). */
    private static Topic readTopic() {
        TopicPartition tp = new TopicPartition(KafkaSequencers.topic(KS), 0);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBrokersAsString()),
                new StringDeserializer(), new StringDeserializer())) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<String, String>> all = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) c.poll(Duration.ofMillis(200)).forEach(all::add);
            assertThat(all).hasSize((int) end);
            Set<String> ops = new HashSet<>();
            all.forEach(r -> ops.add(r.key()));
            return new Topic(all, ops);
        }
    }

    private static boolean converged(int ops) {
        for (String n : List.of("kv-1", "kv-2", "kv-3")) if (applied(n) != ops) return false;
        return true;
    }

    /** How many writes the node's replica applied, from its disk. */
    private static long applied(String node) {
        return cluster.bean(node, FileDurable.class).get(ActiveStore.appliedKey(KS))
                .map(v -> Long.parseLong(v.substring(0, v.indexOf('\u001f')))).orElse(0L);
    }

    private static long offset(FileDurable disk) {
        return disk.get(ActiveStore.offsetKey(KS)).map(Long::parseLong).orElse(-1L);
    }

    /** The offset the stopped node's disk holds, read from its data directory. */
    private static long storedWhileStopped(String node) throws Exception {
        try (FileDurable disk = new FileDurable(cluster.dataDir(node))) {
            return offset(disk);
        }
    }

    private static SortedMap<String, Versioned> data(String node) {
        return ActiveStore.stored(cluster.bean(node, FileDurable.class), KS);
    }

    private static List<Event> events(String node, String kind) {
        return cluster.bean(node, EventPublisher.class).recent(2000).stream().filter(e -> e.kind().equals(kind)).toList();
    }

    private static int put(String node, String key, String value) {
        return cluster.call(node, "PUT", "/api/kv/" + KS + "/" + key, value.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "text/plain").statusCode();
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            assertThat(System.nanoTime() < end).as(what + " within 30 s").isTrue();
            Thread.sleep(100);
        }
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
