package dsys.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.testing.HugeRequest;
import dsys.testing.Loopback;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Requests far too large for the gateway, against one in-test kv instance that reads whatever reaches it:
 * 413 or 431 problems from the gateway itself, which serves the next request, and no breaker counts them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "eureka.client.enabled=false",
    "dsys.admin-token=s3cret",
})
class GatewayLimitsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final long HUGE = 64L << 20;
  private static final String ROUTE = "/api/kv/default/k";
  private static final FakeInstance KV_1 = start();

  @LocalServerPort int port;
  @Autowired ReactiveResilience4JCircuitBreakerFactory breakers;

  @DynamicPropertySource
  static void instances(DynamicPropertyRegistry registry) {
    String prefix = "spring.cloud.discovery.client.simple.instances.kv-service[0].";
    registry.add(prefix + "uri", KV_1::uri);
    registry.add(prefix + "instance-id", () -> "kv-1");
    registry.add(prefix + "metadata.node", () -> "kv-1");
  }

  @AfterAll
  static void stop() {
    KV_1.close();
  }

  private static FakeInstance start() {
    try {
      return new FakeInstance("kv-1");
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertTooLarge(HugeRequest.Answer a) {
    assertThat(a.problemDetail(413, "payload-too-large")).contains("1114112 bytes");
  }

  private void assertStillServes() throws Exception {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + ROUTE)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(breakers.getCircuitBreakerRegistry().circuitBreaker("kv-service").getMetrics().getNumberOfFailedCalls())
        .as("a client's oversized body is not a failing service").isZero();
    assertThat(breakers.getCircuitBreakerRegistry().circuitBreaker("kv-service").getState()).isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void anAnnouncedHugeBodyIs413BeforeItIsReadOrRouted() throws Exception {
    HugeRequest.Answer a = HugeRequest.send(port, "PUT", ROUTE, Map.of(), "", HUGE, false);
    assertTooLarge(a);
    assertThat(a.sent()).as("refused before reading the body").isLessThan(HUGE / 4);
    assertStillServes();
  }

  @Test
  void aStreamedHugeBodyIs413AtTheLimit() throws Exception {
    assertTooLarge(HugeRequest.send(port, "PUT", ROUTE, Map.of(), "", HUGE, true));
    assertStillServes();
  }

  @Test
  void theGatewaysOwnRoutesHaveTheSameLimit() throws Exception {
    assertTooLarge(HugeRequest.send(port, "POST", "/api/chaos/partitions", Map.of("Authorization", "Bearer s3cret"),
        "{\"groups\":[[\"", HUGE, true));
    assertStillServes();
  }

  @Test
  void aMebibyteStillGoesThrough() throws Exception {
    HugeRequest.Answer a = HugeRequest.send(port, "PUT", ROUTE, Map.of(), "", 1 << 20, true);
    assertThat(a.status()).as(a.toString()).isEqualTo(200);
    assertThat(JSON.readTree(a.body()).get("body").asText()).hasSize(1 << 20);
  }

  @Test
  void hugeHeadersAre431() throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + ROUTE)).header("X-Huge", "h".repeat(64 << 10)).build();
    // Reactor Netty answers it while decoding, before any of the gateway's code: no problem body there.
    assertThat(HTTP.send(r, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(431);
    assertStillServes();
  }

  @Test
  void theGatewayListensOnLoopbackOnly() throws Exception {
    Loopback.assertOnlyLoopbackAnswers(port);
  }
}
