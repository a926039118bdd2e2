package dsys.kv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.testing.TestNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka configured but not there (nothing listens at its address): a keyspace sequenced by Kafka answers writes
 * with a prompt 503 that says so, never a hang; reads of its (empty) replicas go on.
 */
class KafkaSequencerDownLiveTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KvLiveCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        // max.block.ms: the event publisher's sends (not the sequencer's, which sets its own) give up at once, so that
        // closing the nodes does not wait a minute per queued event for a Kafka that is not there
        cluster = new KvLiveCluster(3, "dsys.kafka.enabled=true", "spring.kafka.bootstrap-servers=127.0.0.1:" + TestNodes.freePort(),
                "spring.kafka.producer.properties.max.block.ms=1", "dsys.kv.catalog-refresh-ms=200", "dsys.kv.deadline-ms=3000");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void writesAreAPrompt503AndReadsGoOn() throws Exception {
        HttpResponse<byte[]> created = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"nokafka\",\"mode\":\"active\",\"sequencer\":\"kafka\"}");
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        for (String n : new String[]{"kv-1", "kv-2", "kv-3"}) {
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            HttpResponse<byte[]> read = cluster.call(n, "GET", "/api/kv/nokafka/k?read=one", null);
            while (text(read).contains("no-such-keyspace") && System.nanoTime() < end) { // until n knows the keyspace
                Thread.sleep(100);
                read = cluster.call(n, "GET", "/api/kv/nokafka/k?read=one", null);
            }
            assertThat(read.statusCode()).as("%s reads its replica, where the key is absent: %s", n, text(read)).isEqualTo(404);
            assertThat(text(read)).contains("no-such-key");
            long before = System.nanoTime();
            HttpResponse<byte[]> put = cluster.call(n, "PUT", "/api/kv/nokafka/k", "v".getBytes(StandardCharsets.UTF_8),
                    "Content-Type", "text/plain");
            long ms = (System.nanoTime() - before) / 1_000_000;
            JsonNode problem = JSON.readTree(put.body());
            assertThat(put.statusCode()).as(n + ": " + problem).isEqualTo(503);
            assertThat(problem.path("type").asText()).endsWith("sequencer-unavailable");
            assertThat(problem.path("detail").asText()).contains("Kafka unreachable", "nothing was applied");
            assertThat(ms).as("refused at once, not after a deadline").isLessThan(1000);
        }
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }
}
