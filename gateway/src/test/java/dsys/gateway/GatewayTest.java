package dsys.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dsys.gateway.affinity.KeyAffinityInstanceListSupplier;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway against in-test instances found through SimpleDiscoveryClient (no Eureka):
 * time-1; lock-1 up and lock-2 down; kv-1..3; txn-1 down.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "eureka.client.enabled=false",
    "dsys.admin-token=s3cret",
    "dsys.gateway.timeouts.events=1s",
})
// Tracing is off in @SpringBootTest unless asked for (metrics stay as they were).
@AutoConfigureObservability(metrics = false)
class GatewayTest {
  private static final String TOKEN = "Bearer s3cret";
  private static final FakeInstance TIME_1 = start("time-1");
  private static final FakeInstance LOCK_1 = start("lock-1");
  private static final List<FakeInstance> KV = List.of(start("kv-1"), start("kv-2"), start("kv-3"));

  @Autowired WebTestClient client;
  @Autowired ReactiveResilience4JCircuitBreakerFactory breakers;

  @DynamicPropertySource
  static void instances(DynamicPropertyRegistry registry) throws IOException {
    register(registry, "time-service", 0, "time-1", TIME_1.uri());
    register(registry, "lock-service", 0, "lock-1", LOCK_1.uri());
    register(registry, "lock-service", 1, "lock-2", FakeInstance.deadUri());
    for (int i = 0; i < KV.size(); i++) {
      register(registry, "kv-service", i, KV.get(i).node, KV.get(i).uri());
    }
    register(registry, "txn-coordinator", 0, "txn-1", FakeInstance.deadUri());
  }

  private static void register(DynamicPropertyRegistry registry, String service, int i, String node, String uri) {
    String prefix = "spring.cloud.discovery.client.simple.instances." + service + "[" + i + "].";
    registry.add(prefix + "uri", () -> uri);
    registry.add(prefix + "instance-id", () -> node);
    registry.add(prefix + "metadata.node", () -> node);
  }

  @AfterAll
  static void stop() {
    TIME_1.close();
    LOCK_1.close();
    KV.forEach(FakeInstance::close);
  }

  @Test
  void routesEachPrefixToItsService() {
    assertThat(get("/api/time/now").get("node").asText()).isEqualTo("time-1");
    assertThat(get("/api/locks/l1").get("node").asText()).isEqualTo("lock-1");
    assertThat(get("/api/coordination/leader").get("node").asText()).isEqualTo("lock-1");
    assertThat(get("/api/kv/default/k").get("node").asText()).startsWith("kv-");
    JsonNode events = get("/api/events?limit=1");
    assertThat(events.get("node").asText()).isEqualTo("time-1"); // dsys.gateway.events-service default
    JsonNode docs = get("/v3/api-docs/kv-service");
    assertThat(docs.get("node").asText()).startsWith("kv-");
    assertThat(docs.get("path").asText()).isEqualTo("/v3/api-docs");
  }

  @Test
  void swaggerUiListsEveryServiceDocumentAndOpensOnAService() {
    JsonNode config = client.get().uri("/v3/gateway-api-docs/swagger-config").exchange()
        .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    Map<String, String> urls = new java.util.TreeMap<>();
    config.get("urls").forEach(u -> urls.put(u.get("name").asText(), u.get("url").asText()));
    assertThat(urls).contains(
        Map.entry("time-service", "/v3/api-docs/time-service"), Map.entry("lock-service", "/v3/api-docs/lock-service"),
        Map.entry("kv-service", "/v3/api-docs/kv-service"), Map.entry("txn-coordinator", "/v3/api-docs/txn-coordinator"));
    // The page opens on a service's document (one with routes: lock-service), not on the gateway's own.
    assertThat(config.get("urls.primaryName").asText()).isEqualTo("lock-service");
    client.get().uri("/swagger-ui/swagger-initializer.js").exchange().expectStatus().isOk()
        .expectBody(String.class).value(js -> assertThat(js)
            .contains("\"configUrl\" : \"/v3/gateway-api-docs/swagger-config\"", "\"urls.primaryName\" : \"lock-service\""));
  }

  @Test
  void pinnedRequestsReachOnlyTheNamedNode() {
    Set<String> unpinned = new HashSet<>();
    Set<String> keyspace = new HashSet<>();
    // An instance whose first health check has not answered yet (a loaded machine, just after start) is left out
    // of the round for a while: ask until all three answered, within a bound.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (unpinned.size() < 3 && System.nanoTime() < deadline) unpinned.add(get("/v3/api-docs/kv-service").get("node").asText());
    assertThat(unpinned).as("round robin spreads unpinned requests").hasSize(3);
    // Only now: the keyspace's node is chosen among the live instances (rendezvous hashing), so it may move while the
    // last of them passes its first health check (seen once: reads on kv-3, then kv-1).
    for (int i = 0; i < 3; i++) keyspace.add(get("/api/kv/default/k" + i).get("node").asText());
    assertThat(keyspace).as("a keyspace's reads meet on one coordinator (dsys.gateway.affinity-reads)").hasSize(1);
    for (int i = 0; i < 6; i++) {
      JsonNode answer = client.get().uri("/api/kv/default/k").header("X-Dsys-Node", "kv-2").exchange()
          .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
      assertThat(answer.get("node").asText()).isEqualTo("kv-2");
    }
  }

  @Test
  void pinningAnUnknownNodeIs503NamingTheNodeAndLeavesTheServiceBreakerClosed() {
    for (int i = 0; i < 12; i++) { // more than the breaker's minimum number of calls (10)
      JsonNode problem = expectProblem(client.get().uri("/api/kv/default/k").header("X-Dsys-Node", "kv-9").exchange(),
          HttpStatus.SERVICE_UNAVAILABLE, "node-unavailable");
      assertThat(problem.get("detail").asText()).contains("'kv-9'", "kv-service", "kv-1, kv-2, kv-3");
    }
    assertThat(breakers.getCircuitBreakerRegistry().circuitBreaker("kv-service").getState())
        .isEqualTo(CircuitBreaker.State.CLOSED);
  }

  @Test
  void pinningADownNodeIs503NamingTheNode() {
    JsonNode problem = expectProblem(client.post().uri("/api/locks/l1/acquire").header("X-Dsys-Node", "lock-2").exchange(),
        HttpStatus.SERVICE_UNAVAILABLE, "node-unavailable");
    assertThat(problem.get("detail").asText()).contains("'lock-2'", "lock-service", "did not answer");
  }

  @Test
  void downServiceIs503NamingItWithoutWaitingForTheTimeLimit() {
    long start = System.nanoTime();
    JsonNode problem = expectProblem(client.post().uri("/api/txn").contentType(MediaType.APPLICATION_JSON)
        .bodyValue("{}").exchange(), HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable");
    assertThat(problem.get("detail").asText()).startsWith("txn-coordinator is unavailable");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5)); // limit is 30 s
  }

  @Test
  void hangingServiceIs504AfterItsRouteTimeLimit() {
    long start = System.nanoTime();
    JsonNode problem = expectProblem(client.get().uri("/api/events/slow").exchange(),
        HttpStatus.GATEWAY_TIMEOUT, "gateway-timeout");
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(problem.get("detail").asText()).contains("time-service did not answer within 1s");
    assertThat(took).isBetween(Duration.ofMillis(900), Duration.ofSeconds(5));
  }

  @Test
  void aDeadInstanceIsAvoidedButServerErrorsAreNotRetried() {
    for (int i = 0; i < 4; i++) {
      assertThat(get("/api/locks/l1").get("node").asText()).isEqualTo("lock-1"); // lock-2 refuses
    }
    // Lock POSTs go to one node per lock name (rendezvous hashing). A name whose node is the dead lock-2 is served
    // by lock-1: the load balancer's health check dropped lock-2, and until it did, the refused connection (the
    // request never arrived) was retried.
    String onLock1 = lockNameOn("lock-1");
    String onLock2 = lockNameOn("lock-2");
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      statuses.add(client.post().uri("/api/locks/" + onLock1 + "/acquire").exchange().returnResult(String.class).getStatus().value());
      statuses.add(client.post().uri("/api/locks/" + onLock2 + "/release").exchange().returnResult(String.class).getStatus().value());
    }
    assertThat(statuses).containsExactly(200, 200, 200, 200, 200, 200);

    client.get().uri("/api/time/boom").exchange().expectStatus().isEqualTo(500);
    assertThat(TIME_1.boomHits.get()).as("a 500 is an answer, not retried").isEqualTo(1);
  }

  @Test
  void adminRoutesNeedTheToken() {
    String clock = "/api/time/nodes/time-2/clock";
    client.put().uri(clock).bodyValue("{}").exchange()
        .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"dsys\"");
    expectProblem(client.put().uri(clock).bodyValue("{}").exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");
    expectProblem(client.put().uri(clock).header(HttpHeaders.AUTHORIZATION, "Bearer wrong").bodyValue("{}").exchange(),
        HttpStatus.UNAUTHORIZED, "unauthorized");
    expectProblem(client.delete().uri("/api/chaos").exchange(), HttpStatus.UNAUTHORIZED, "unauthorized");

    JsonNode passed = client.put().uri(clock).header(HttpHeaders.AUTHORIZATION, TOKEN).bodyValue("{}").exchange()
        .expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody();
    assertThat(passed.get("authorization").asText()).as("services check it again").isEqualTo(TOKEN);
    // Same prefix, not an admin route: open.
    client.get().uri("/api/time/nodes").exchange().expectStatus().isOk();
  }

  @Test
  void unknownRouteIs404Problem() {
    JsonNode problem = expectProblem(client.get().uri("/api/nope/x").exchange(), HttpStatus.NOT_FOUND, "not-found");
    assertThat(problem.get("detail").asText()).contains("GET /api/nope/x", "/api/kv/**");
  }

  /** The spans the gateway finished, as its Zipkin reporter would get them. */
  @TestConfiguration
  static class Spans {
    static final List<FinishedSpan> FINISHED = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Bean
    SpanReporter collectSpans() {
      return FINISHED::add;
    }
  }

  @Test
  void aCallersSampledTraceGoesOnToTheServiceThroughTheGatewaysSpan() throws InterruptedException {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736", callerSpan = "00f067aa0ba902b7";
    JsonNode echo = client.get().uri("/api/time/now").header("traceparent", "00-" + trace + "-" + callerSpan + "-01")
        .exchange().expectStatus().isOk().expectHeader().valueEquals("X-Trace-Id", trace)
        .expectBody(JsonNode.class).returnResult().getResponseBody();
    String downstream = echo.get("traceparent").asText();
    assertThat(downstream).matches("00-" + trace + "-[0-9a-f]{16}-01").doesNotContain(callerSpan);
    String gatewaySpan = downstream.substring(36, 52);
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (Spans.FINISHED.stream().noneMatch(s -> s.getSpanId().equals(gatewaySpan)) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(Spans.FINISHED).filteredOn(s -> s.getSpanId().equals(gatewaySpan)).singleElement().satisfies(s -> {
      assertThat(s.getTraceId()).isEqualTo(trace);
      assertThat(s.getParentId()).isEqualTo(callerSpan);
      assertThat(s.getKind()).isEqualTo(Span.Kind.SERVER);
      assertThat(s.getLocalServiceName()).isEqualTo("gateway");
      assertThat(s.getTags()).containsEntry("dsys.route", "time-service").containsEntry("dsys.node", "time-1")
          .containsEntry("http.status_code", "200");
    });

    // A caller that decided not to sample: nothing recorded here, its context passed on as it was.
    String declined = "00-" + "5bf92f3577b34da6a3ce929d0e0e4736" + "-" + callerSpan + "-00";
    echo = client.get().uri("/api/time/now").header("traceparent", declined)
        .exchange().expectStatus().isOk().expectHeader().doesNotExist("X-Trace-Id")
        .expectBody(JsonNode.class).returnResult().getResponseBody();
    assertThat(echo.get("traceparent").asText()).isEqualTo(declined);
    assertThat(Spans.FINISHED).noneMatch(s -> s.getTraceId().startsWith("5bf92f"));
  }

  @Test
  void requestIdIsGeneratedOrKeptAndPassedDownstream() {
    var generated = client.get().uri("/api/time/now").exchange().expectStatus().isOk()
        .expectBody(JsonNode.class).returnResult();
    List<String> ids = generated.getResponseHeaders().get("X-Request-Id");
    assertThat(ids).hasSize(1);
    UUID.fromString(ids.get(0));
    assertThat(generated.getResponseBody().get("requestId").asText()).isEqualTo(ids.get(0));

    client.get().uri("/api/time/now").header("X-Request-Id", "demo-42").exchange()
        .expectHeader().valueEquals("X-Request-Id", "demo-42")
        .expectBody().jsonPath("$.requestId").isEqualTo("demo-42");
    // Problems carry it too.
    client.get().uri("/api/nope").header("X-Request-Id", "demo-43").exchange()
        .expectHeader().valueEquals("X-Request-Id", "demo-43")
        .expectBody().jsonPath("$.requestId").isEqualTo("demo-43");
  }

  @Test
  void chaosIsSentToEveryInstanceAndDownNodesAreReportedAs503() {
    JsonNode nodes = client.post().uri("/api/chaos/partitions?dry=1").header(HttpHeaders.AUTHORIZATION, TOKEN)
        .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"groups\":[[\"kv-1\"],[\"kv-2\",\"kv-3\"]]}")
        .exchange().expectStatus().isOk().expectBody(JsonNode.class).returnResult().getResponseBody().get("nodes");
    List<String> names = new ArrayList<>();
    nodes.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("kv-1", "kv-2", "kv-3", "lock-1", "lock-2", "time-1", "txn-1");
    for (String live : List.of("kv-1", "kv-2", "kv-3", "lock-1", "time-1")) {
      JsonNode answer = nodes.get(live);
      assertThat(answer.get("status").asInt()).isEqualTo(200);
      assertThat(answer.get("body").get("node").asText()).isEqualTo(live);
      assertThat(answer.get("body").get("method").asText()).isEqualTo("POST");
      assertThat(answer.get("body").get("path").asText()).isEqualTo("/api/chaos/partitions");
      assertThat(answer.get("body").get("body").asText()).contains("\"kv-2\",\"kv-3\"");
      assertThat(answer.get("body").get("authorization").asText()).isEqualTo(TOKEN);
    }
    for (String down : List.of("lock-2", "txn-1")) {
      assertThat(nodes.get(down).get("status").asInt()).isEqualTo(503);
      assertThat(nodes.get(down).get("body").get("detail").asText()).startsWith(down);
    }
  }

  private JsonNode get(String uri) {
    return client.get().uri(uri).exchange().expectStatus().isOk()
        .expectBody(JsonNode.class).returnResult().getResponseBody();
  }

  private static JsonNode expectProblem(WebTestClient.ResponseSpec response, HttpStatus status, String slug) {
    JsonNode problem = response.expectStatus().isEqualTo(status)
        .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
        .expectBody(JsonNode.class).returnResult().getResponseBody();
    assertThat(problem.get("type").asText()).isEqualTo("https://dsys.dev/problems/" + slug);
    assertThat(problem.get("status").asInt()).isEqualTo(status.value());
    assertThat(problem.get("title").asText()).isNotBlank();
    assertThat(problem.get("detail").asText()).isNotBlank();
    return problem;
  }

  /** A lock name that key affinity sends to {@code node} (of lock-1, lock-2). */
  private static String lockNameOn(String node) {
    String other = node.equals("lock-1") ? "lock-2" : "lock-1";
    for (int i = 0; ; i++) {
      String name = "l" + i;
      if (KeyAffinityInstanceListSupplier.weight(name, node) > KeyAffinityInstanceListSupplier.weight(name, other)) {
        return name;
      }
    }
  }

  private static FakeInstance start(String node) {
    try {
      return new FakeInstance(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
