package dsys.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.gateway.problem.ProblemException;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/console/metrics?query=&minutes=}: one PromQL range query, passed to Prometheus on loopback, so the
 * console's sparklines need no second origin. Read-only (Prometheus's query API) and bounded: the query's length,
 * the window (at most an hour) and the number of points (60).
 */
@RestController
class MetricsController {

  private static final int MAX_QUERY = 1000;
  private static final int POINTS = 60;

  private final WebClient client;
  private final ConsoleProperties console;

  MetricsController(WebClient.Builder clients, ConsoleProperties console) {
    this.client = clients.build();
    this.console = console;
  }

  /** Whether Prometheus answers: asked once by the console, so a platform without it shows a note, not errors. */
  @GetMapping("/api/console/metrics/status")
  Mono<Map<String, Object>> status() {
    URI ready = UriComponentsBuilder.fromUri(console.prometheus()).path("/-/ready").build().toUri();
    return client.get().uri(ready).retrieve().toBodilessEntity()
        .timeout(console.timeout())
        .map(r -> Map.<String, Object>of("prometheus", console.prometheus().toString(), "up", true))
        .onErrorResume(e -> Mono.just(Map.of("prometheus", console.prometheus().toString(), "up", false,
            "detail", "not answering (" + e.getClass().getSimpleName() + "); ./platform up starts it when Debian's prometheus is installed")));
  }

  @GetMapping("/api/console/metrics")
  Mono<JsonNode> rangeQuery(@RequestParam String query, @RequestParam(defaultValue = "5") int minutes) {
    if (query.isBlank() || query.length() > MAX_QUERY || minutes < 1 || minutes > 60) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
          "query must be PromQL of 1.." + MAX_QUERY + " characters and minutes within 1..60");
    }
    long end = Instant.now().getEpochSecond();
    long step = Math.max(1, minutes * 60L / POINTS);
    var uri = UriComponentsBuilder.fromUri(console.prometheus()).path("/api/v1/query_range")
        .queryParam("query", "{q}").queryParam("start", end - minutes * 60L).queryParam("end", end)
        .queryParam("step", step).build(query);
    return client.get().uri(uri).retrieve().bodyToMono(JsonNode.class)
        .timeout(console.timeout())
        .onErrorMap(e -> !(e instanceof ProblemException), e -> new ProblemException(HttpStatus.SERVICE_UNAVAILABLE,
            "prometheus-unavailable", "Prometheus unavailable",
            "Prometheus at " + console.prometheus() + " could not answer the query (" + e.getClass().getSimpleName()
                + "); it runs with ./platform up when Debian's prometheus is installed", e));
  }
}
