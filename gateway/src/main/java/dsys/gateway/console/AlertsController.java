package dsys.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/console/alerts}: the alerts firing now, read from Alertmanager's API
 * ({@code /api/v2/alerts?active=true&silenced=false&inhibited=false}) on loopback, so the console needs no second
 * origin. Always a 200: {@code up: false} with a {@code detail} and no alerts when Alertmanager does not answer within
 * the console's timeout (a platform without Debian's prometheus-alertmanager), so the page shows a note, not errors.
 */
@RestController
class AlertsController {

  private static final List<String> SEVERITIES = List.of("critical", "warning", "info");

  private final WebClient client;
  private final ConsoleProperties console;

  AlertsController(WebClient.Builder clients, ConsoleProperties console) {
    this.client = clients.build();
    this.console = console;
  }

  /** One firing alert as the console shows it; {@code since} is Alertmanager's {@code startsAt} (RFC 3339). */
  record Firing(String name, String severity, String service, String node, String instance, String summary,
      String since) {}

  @GetMapping("/api/console/alerts")
  Mono<Map<String, Object>> alerts() {
    URI uri = UriComponentsBuilder.fromUri(console.alertmanager()).path("/api/v2/alerts")
        .queryParam("active", true).queryParam("silenced", false).queryParam("inhibited", false)
        .build().toUri();
    return client.get().uri(uri).retrieve().bodyToMono(JsonNode.class)
        .timeout(console.timeout())
        .map(body -> {
          if (!body.isArray()) {
            return answer(false, "answered something that is not a list of alerts", List.of());
          }
          return answer(true, null, firing(body));
        })
        .onErrorResume(e -> Mono.just(answer(false, "not answering (" + e.getClass().getSimpleName()
            + "); ./platform up starts it when Debian's prometheus-alertmanager is installed", List.of())));
  }

  private Map<String, Object> answer(boolean up, String detail, List<Firing> alerts) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("alertmanager", console.alertmanager().toString());
    m.put("up", up);
    if (detail != null) {
      m.put("detail", detail);
    }
    m.put("alerts", alerts);
    return m;
  }

  /** Active alerts only (a suppressed one is silenced or inhibited), most severe first, then the oldest. */
  static List<Firing> firing(JsonNode alerts) {
    List<Firing> out = new ArrayList<>();
    for (JsonNode a : alerts) {
      String state = a.path("status").path("state").asText("active");
      if (!state.equals("active")) {
        continue;
      }
      JsonNode labels = a.path("labels");
      out.add(new Firing(text(labels, "alertname"), text(labels, "severity"), text(labels, "service"),
          text(labels, "node"), text(labels, "instance"), text(a.path("annotations"), "summary"),
          text(a, "startsAt")));
    }
    out.sort(Comparator.comparingInt((Firing f) -> rank(f.severity()))
        .thenComparing(f -> instant(f.since()))
        .thenComparing(f -> f.name() == null ? "" : f.name()));
    return out;
  }

  private static Instant instant(String rfc3339) {
    try {
      return OffsetDateTime.parse(rfc3339).toInstant();
    } catch (RuntimeException e) {
      return Instant.MAX;
    }
  }

  private static int rank(String severity) {
    int i = SEVERITIES.indexOf(severity);
    return i < 0 ? SEVERITIES.size() : i;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isMissingNode() || v.isNull() ? null : v.asText();
  }
}
