package dsys.gateway.pinning;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import dsys.gateway.problem.Delivery;
import java.util.stream.Collectors;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * For a pinned {@code lb://} request: answers 503 naming the node when no such instance is
 * registered, and turns a failure of the pinned node into {@link PinnedNodeUnavailableException}.
 * The instance itself is chosen by {@link PinnedInstanceListSupplier}.
 *
 * <p>Order 100: inside the route filters (CircuitBreaker = 1, Retry = 2), so the breaker sees the
 * exception it ignores and Retry does not retry a pinned node (it would only hit the same node),
 * and before the load balancer (10150).
 */
@Component
public class NodePinningFilter implements GlobalFilter, Ordered {
  private final ReactiveDiscoveryClient discovery;

  public NodePinningFilter(ReactiveDiscoveryClient discovery) {
    this.discovery = discovery;
  }

  @Override
  public int getOrder() {
    return 100;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    String node = exchange.getRequest().getHeaders().getFirst(NodePinning.HEADER);
    Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
    if (node == null || route == null || !"lb".equals(route.getUri().getScheme())) {
      return chain.filter(exchange);
    }
    String service = route.getUri().getHost();
    return discovery.getInstances(service).map(NodePinning::nodeOf).collectList()
        .flatMap(nodes -> nodes.contains(node)
            ? chain.filter(exchange)
            : Mono.error(PinnedNodeUnavailableException.notRegistered(
                node, service, nodes.stream().sorted().collect(Collectors.joining(", ")))))
        .onErrorMap(e -> !(e instanceof PinnedNodeUnavailableException),
            e -> Delivery.neverSent(e) ? PinnedNodeUnavailableException.failed(node, service, e)
                : PinnedNodeUnavailableException.brokeOff(node, service, e));
  }
}
