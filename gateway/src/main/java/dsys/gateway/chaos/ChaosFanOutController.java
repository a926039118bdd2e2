package dsys.gateway.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.gateway.DsysGatewayProperties;
import dsys.gateway.pinning.NodePinning;
import dsys.gateway.problem.ProblemException;
import dsys.gateway.requestid.RequestIdFilter;
import io.swagger.v3.oas.annotations.Operation;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /api/chaos/**}: every instance applies faults to itself, so the gateway sends the same
 * request to every registered instance of the chaos services in parallel and reports each node's
 * answer. A node that does not answer in time is a 503 entry in the map, not a gateway failure:
 * a crashed node is exactly what chaos users expect to see. Admin-only (see AdminTokenFilter).
 */
@RestController
class ChaosFanOutController {
  /** What a node needs to authorise and correlate the call; nothing else is forwarded. */
  private static final List<String> FORWARDED = List.of(HttpHeaders.AUTHORIZATION, HttpHeaders.CONTENT_TYPE,
      HttpHeaders.ACCEPT, RequestIdFilter.HEADER);

  record NodeAnswer(int status, Object body) {}

  private final ReactiveDiscoveryClient discovery;
  private final WebClient client;
  private final ObjectMapper json;
  private final DsysGatewayProperties.Chaos chaos;

  ChaosFanOutController(ReactiveDiscoveryClient discovery, WebClient.Builder clients, ObjectMapper json,
      DsysGatewayProperties properties) {
    this.discovery = discovery;
    this.client = clients.build();
    this.json = json;
    this.chaos = properties.chaos();
  }

  @Operation(summary = "Apply, list or heal faults on every node",
      description = "Forwards the request to every instance of the chaos services and answers "
          + "{\"nodes\": {\"<node>\": {\"status\", \"body\"}}}; see the services' /api/chaos docs for the bodies.")
  @RequestMapping(path = {"/api/chaos", "/api/chaos/**"},
      method = {RequestMethod.GET, RequestMethod.POST, RequestMethod.DELETE})
  Mono<Map<String, Map<String, NodeAnswer>>> fanOut(ServerWebExchange exchange) {
    ServerHttpRequest request = exchange.getRequest();
    String target = request.getURI().getRawPath()
        + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery());
    HttpHeaders headers = new HttpHeaders();
    FORWARDED.forEach(name -> {
      List<String> values = request.getHeaders().get(name);
      if (values != null) {
        headers.put(name, values);
      }
    });
    return DataBufferUtils.join(request.getBody())
        .map(buffer -> {
          byte[] bytes = new byte[buffer.readableByteCount()];
          buffer.read(bytes);
          DataBufferUtils.release(buffer);
          return bytes;
        })
        .defaultIfEmpty(new byte[0])
        .flatMap(body -> Flux.fromIterable(chaos.services())
            .flatMap(discovery::getInstances)
            .flatMap(instance -> call(instance, request.getMethod(), target, headers, body)
                .map(answer -> Map.entry(NodePinning.nodeOf(instance), answer)))
            .collectMap(Map.Entry::getKey, Map.Entry::getValue, TreeMap::new))
        .map(nodes -> {
          if (nodes.isEmpty()) {
            throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "No nodes",
                "No instance of " + String.join(", ", chaos.services()) + " is registered: nothing to apply faults to.");
          }
          return Map.of("nodes", nodes);
        });
  }

  private Mono<NodeAnswer> call(ServiceInstance instance, HttpMethod method, String target, HttpHeaders headers,
      byte[] body) {
    WebClient.RequestBodySpec spec = client.method(method)
        .uri(URI.create(instance.getUri().toString() + target))
        .headers(h -> h.addAll(headers));
    WebClient.RequestHeadersSpec<?> ready = body.length == 0 ? spec : spec.bodyValue(body);
    return ready.exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
            .map(text -> new NodeAnswer(response.statusCode().value(), parse(text, response.headers().contentType()
                .orElse(MediaType.TEXT_PLAIN)))))
        .timeout(chaos.timeout())
        .onErrorResume(e -> Mono.just(new NodeAnswer(503, Map.of(
            "type", ProblemException.TYPE_BASE + "node-unavailable",
            "title", "Node did not answer",
            "status", 503,
            "detail", NodePinning.nodeOf(instance) + (e instanceof TimeoutException
                ? " did not answer within " + chaos.timeout().toMillis() + " ms"
                : " could not be reached (" + e.getClass().getSimpleName() + ")") + "."))));
  }

  /** JSON bodies are embedded as JSON, anything else as text. */
  private Object parse(String text, MediaType type) {
    if (text.isEmpty() || !(type.isCompatibleWith(MediaType.APPLICATION_JSON) || type.getSubtype().endsWith("+json"))) {
      return text;
    }
    try {
      return json.readValue(text, JsonNode.class);
    } catch (Exception e) {
      return text;
    }
  }
}
