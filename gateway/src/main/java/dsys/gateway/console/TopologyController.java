package dsys.gateway.console;

import dsys.gateway.pinning.NodePinning;
import java.net.URI;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * {@code GET /api/console/topology}: every instance registered in Eureka and what its own health endpoint says
 * right now (UP, DOWN while crashed by fault injection, or UNREACHABLE). Faults in force (partitions, pauses) are
 * admin-only and come from {@code /api/chaos}; the console asks for them itself with the token.
 */
@RestController
class TopologyController {

  private final ReactiveDiscoveryClient discovery;
  private final WebClient client;
  private final ConsoleProperties console;

  TopologyController(ReactiveDiscoveryClient discovery, WebClient.Builder clients, ConsoleProperties console) {
    this.discovery = discovery;
    this.client = clients.build();
    this.console = console;
  }

  @GetMapping("/api/console/topology")
  Mono<Map<String, Object>> topology() {
    return discovery.getServices()
        .flatMap(discovery::getInstances)
        .flatMap(this::describe)
        .sort(Comparator.comparing((Map<String, Object> m) -> (String) m.get("service"))
            .thenComparing(m -> (String) m.get("node")))
        .collectList()
        .map(instances -> Map.of("instances", instances));
  }

  private Mono<Map<String, Object>> describe(ServiceInstance instance) {
    URI health = URI.create(instance.getUri() + "/actuator/health");
    return client.get().uri(health)
        .exchangeToMono(r -> r.bodyToMono(Map.class).map(b -> String.valueOf(b.get("status")))
            .defaultIfEmpty("HTTP " + r.statusCode().value()))
        .timeout(console.timeout())
        .onErrorResume(e -> Mono.just("UNREACHABLE"))
        .map(status -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("service", instance.getServiceId().toLowerCase());
          m.put("node", NodePinning.nodeOf(instance));
          m.put("port", instance.getPort());
          m.put("health", status);
          return m;
        });
  }
}
