package dsys.gateway.console;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.gateway.pinning.NodePinning;
import dsys.gateway.problem.ProblemException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/console/messages?after=kv-1:41,lock-2:7}: the message journals of every node merged, for the
 * space-time diagram. {@code after} is the cursor the previous answer returned (each node's last seq seen); the
 * answer holds what came since, ordered by time then Lamport time. A node that does not answer is listed in
 * {@code silent} and asked again next time from the same place.
 */
@RestController
class MessagesController {

  private static final Pattern CURSOR = Pattern.compile("([A-Za-z0-9._-]{1,64}:-?[0-9]{1,18})(,[A-Za-z0-9._-]{1,64}:-?[0-9]{1,18}){0,63}");
  private static final int MAX_LIMIT = 1000;

  private final ReactiveDiscoveryClient discovery;
  private final WebClient client;
  private final ConsoleProperties console;

  MessagesController(ReactiveDiscoveryClient discovery, WebClient.Builder clients, ConsoleProperties console) {
    this.discovery = discovery;
    this.client = clients.build();
    this.console = console;
  }

  record NodeJournal(String node, JsonNode answer) {}

  @GetMapping("/api/console/messages")
  Mono<Map<String, Object>> messages(@RequestParam(defaultValue = "") String after,
      @RequestParam(defaultValue = "500") int limit) {
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
          "limit must be within 1.." + MAX_LIMIT + ", was " + limit);
    }
    Map<String, Long> cursor = parse(after);
    return Flux.fromIterable(console.journalServices())
        .flatMap(discovery::getInstances)
        .flatMap(instance -> fetch(instance, cursor.get(NodePinning.nodeOf(instance)), limit))
        .collectList()
        .map(journals -> merge(journals, cursor));
  }

  /** {@code after} null: a node not seen before, which answers its newest entries. */
  private Mono<NodeJournal> fetch(ServiceInstance instance, Long after, int limit) {
    String node = NodePinning.nodeOf(instance);
    String query = "?limit=" + limit + (after == null ? "" : "&after=" + after);
    return client.get().uri(URI.create(instance.getUri() + "/api/journal" + query))
        .retrieve().bodyToMono(JsonNode.class)
        .timeout(console.timeout())
        .map(answer -> new NodeJournal(node, answer))
        .onErrorResume(e -> Mono.just(new NodeJournal(node, null)));
  }

  static Map<String, Object> merge(List<NodeJournal> journals, Map<String, Long> previous) {
    Map<String, Long> cursor = new TreeMap<>(previous);
    List<String> silent = new ArrayList<>();
    List<JsonNode> entries = new ArrayList<>();
    for (NodeJournal j : journals) {
      if (j.answer() == null) {
        silent.add(j.node());
        continue;
      }
      long last = cursor.getOrDefault(j.node(), -1L);
      for (JsonNode e : j.answer().path("entries")) {
        entries.add(e);
        last = Math.max(last, e.path("seq").asLong());
      }
      cursor.put(j.node(), last);
    }
    entries.sort(Comparator.comparingLong((JsonNode e) -> e.path("time").asLong())
        .thenComparingLong(e -> e.path("lamport").asLong()));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("after", String.join(",", cursor.entrySet().stream().map(e -> e.getKey() + ":" + e.getValue()).toList()));
    m.put("silent", silent.stream().sorted().toList());
    m.put("entries", entries);
    return m;
  }

  static Map<String, Long> parse(String after) {
    Map<String, Long> cursor = new TreeMap<>();
    if (after.isEmpty()) {
      return cursor;
    }
    if (!CURSOR.matcher(after).matches()) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, "bad-request", "Bad request",
          "after must be the cursor a previous answer returned: node:seq pairs separated by commas, e.g. kv-1:41,lock-2:7");
    }
    for (String pair : after.split(",")) {
      int colon = pair.lastIndexOf(':');
      cursor.put(pair.substring(0, colon), Long.parseLong(pair.substring(colon + 1)));
    }
    return cursor;
  }
}
