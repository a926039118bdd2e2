package dsys.launcher;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaBrokerTest {

    @TempDir
    Path dir;

    /**
     * The events log stays within its retention: 6 MB into one partition of a broker that keeps 1 MiB. Kafka deletes
     * whole closed segments only, so with its default 1 GiB segments no byte would ever go (a dev platform's
     * partition had reached 1.3 GiB under a 256 MiB limit).
     */
    @Test
    void aPartitionStaysWithinItsRetention() throws Exception {
        KafkaBroker.Options o = KafkaBroker.Options.parse(new String[] {
                "--port", String.valueOf(freePort()), "--controller-port", String.valueOf(freePort()),
                "--data-dir", dir.toString(), "--retention-mb", "1"});
        String value = "e".repeat(1000);
        Path partition = dir.resolve("log").resolve(KafkaBroker.EVENTS_TOPIC + "-0");
        try (KafkaBroker.Running ignored = KafkaBroker.start(o, System.err);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + o.port(),
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.COMPRESSION_TYPE_CONFIG, "none"))) {
            for (int i = 0; i < 6000; i++) producer.send(new ProducerRecord<>(KafkaBroker.EVENTS_TOPIC, 0, "k", value));
            producer.flush();
            long limit = (1L << 20) + 2L * o.segmentBytes(); // retention, the segment being written, index slack
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos(); // the broker checks every 10 s
            while (logBytes(partition) > limit && System.nanoTime() < deadline) Thread.sleep(500);
            assertThat(logBytes(partition)).as("bytes of segments left, limit %d", limit).isLessThanOrEqualTo(limit);
        }
    }

    private static long logBytes(Path partition) throws IOException {
        try (var files = Files.list(partition)) {
            return files.filter(f -> f.toString().endsWith(".log")).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** The point of a real broker over the test kit: what was acknowledged is still there after a restart. */
    @Test
    void createsTheEventsTopicAndKeepsRecordsAcrossARestart() throws Exception {
        String bootstrap;
        KafkaBroker.Options o = KafkaBroker.Options.parse(new String[] {
                "--port", String.valueOf(freePort()), "--controller-port", String.valueOf(freePort()),
                "--data-dir", dir.toString()});
        bootstrap = "127.0.0.1:" + o.port();

        try (KafkaBroker.Running ignored = KafkaBroker.start(o, System.err);
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                     ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            producer.send(new ProducerRecord<>(KafkaBroker.EVENTS_TOPIC, "txn-1", "decision: commit")).get();
        }

        try (KafkaBroker.Running ignored = KafkaBroker.start(o, System.err);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.GROUP_ID_CONFIG, "test",
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            assertThat(admin.describeTopics(List.of(KafkaBroker.EVENTS_TOPIC)).allTopicNames().get()
                    .get(KafkaBroker.EVENTS_TOPIC).partitions()).hasSize(3);
            consumer.subscribe(List.of(KafkaBroker.EVENTS_TOPIC));
            List<String> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.key() + "=" + r.value());
                }
            }
            assertThat(seen).containsExactly("txn-1=decision: commit");
        }
    }

    @Test
    void optionsSayWhatIsWrong() {
        assertThatThrownBy(() -> KafkaBroker.Options.parse(new String[] {"--port", "x"}))
                .hasMessageContaining("--port needs a number");
        assertThatThrownBy(() -> KafkaBroker.Options.parse(new String[] {"--port", "9092", "--controller-port", "9092"}))
                .hasMessageContaining("must differ");
        assertThatThrownBy(() -> KafkaBroker.Options.parse(new String[] {"--colour"}))
                .hasMessageContaining("missing value after --colour");
        assertThat(KafkaBroker.Options.parse(new String[] {"--port", "9500"}).controllerPort()).isEqualTo(9501);
    }

    /** In a container the broker listens on every address and tells clients the name the others reach it by. */
    @Test
    void inAContainerItListensEverywhereAndAdvertisesItsName() {
        KafkaBroker.Options o = KafkaBroker.Options.parse(new String[] {
                "--port", "9092", "--bind-address", "0.0.0.0", "--advertised-host", "kafka"});
        var p = KafkaBroker.brokerProperties(o);
        assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9093");
        assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://kafka:9092");
        assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:9093");
        assertThatThrownBy(() -> KafkaBroker.Options.parse(new String[] {"--bind-address", "0.0.0.0"}))
                .hasMessageContaining("--advertised-host");
        // The default stays loopback only, as ./platform runs it.
        assertThat(KafkaBroker.brokerProperties(KafkaBroker.Options.parse(new String[0])).getProperty("advertised.listeners"))
                .isEqualTo("PLAINTEXT://127.0.0.1:9092");
    }

    @Test
    void noArgumentsPrintsUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[0], new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("kafka [--port 9092]").contains("check MODEL FILE");
    }

    @Test
    void verifierCommandsAreHandedOnWithTheirExitCode() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"check", "register", dir.resolve("missing.jsonl").toString()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
        assertThat(code).isEqualTo(2);   // the verifier's "unknown": the file is not there
        assertThat(err.toString()).contains("missing.jsonl");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
