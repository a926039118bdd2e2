package dsys.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaBroker;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Events a core emits reach the dsys.events topic and come back through GET /api/events. */
class EventsThroughKafkaTest {

    @Test
    void emittedEventsAreReadBackFromKafka(@TempDir Path data) throws Exception {
        EmbeddedKafkaBroker kafka = new EmbeddedKafkaKraftBroker(1, 1, "dsys.events");
        kafka.afterPropertiesSet();
        int port = dsys.testing.TestNodes.freePort();
        try (ConfigurableApplicationContext ctx = new SpringApplicationBuilder(PingApp.class).properties(
                "spring.application.name=ping", "server.port=" + port, "dsys.node=ping-1", "dsys.members=ping-1",
                "dsys.data-dir=" + data, "eureka.client.enabled=false",
                "spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString()).run()) {
            HttpClient http = HttpClient.newHttpClient();
            // A single-member group: the ping round completes with zero pongs at once.
            var ping = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/test/ping"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ping.statusCode()).isIn(200, 503);
            JsonNode found = null;
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (found == null && System.nanoTime() < deadline) {
                var r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/events?service=ping&limit=10"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                JsonNode body = new ObjectMapper().readTree(r.body());
                assertThat(body.path("source").asText()).isEqualTo("kafka");
                for (JsonNode e : body.path("events")) if (e.path("kind").asText().equals("ping.start")) found = e;
            }
            assertThat(found).as("ping.start event read back from Kafka").isNotNull();
            assertThat(found.path("node").asText()).isEqualTo("ping-1");
            assertThat(found.path("lamport").asLong()).isPositive();
            assertThat(found.path("vector").path("ping-1").asLong()).isPositive();
        } finally {
            kafka.destroy();
        }
    }
}
