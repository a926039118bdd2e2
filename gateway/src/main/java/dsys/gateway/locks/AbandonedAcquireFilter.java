package dsys.gateway.locks;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * A client that hangs up (or is timed out here) while its acquire waits in a lock node's queue was still granted
 * the lock, which then sat unused for a whole lease. The node cannot see the client go (Tomcat reports no
 * disconnect of a waiting asynchronous request; the servlet API has no such event), the gateway can: it tags every
 * acquire with a fresh {@code X-Dsys-Waiter} id and, when the exchange ends without the answer reaching the client
 * (cancelled, failed, or a 5xx of ours such as the circuit breaker's timeout), asks the instance it routed to to
 * withdraw that wait ({@code DELETE /api/locks/{name}/waiters/{id}}, admin). If the grant came first, the node
 * releases it at once.
 */
@Component
public class AbandonedAcquireFilter implements GlobalFilter, Ordered {
  public static final String HEADER = "X-Dsys-Waiter";
  private static final Logger LOG = LoggerFactory.getLogger(AbandonedAcquireFilter.class);
  private static final Pattern ACQUIRE = Pattern.compile("^/api/locks/([^/]+)/acquire$");
  private final WebClient client;
  private final String token;

  public AbandonedAcquireFilter(WebClient.Builder clients, @Value("${dsys.admin-token:}") String token) {
    this.client = clients.build();
    this.token = token;
  }

  /** Outside the response writer: a hang-up while the answer is being written counts too. */
  @Override
  public int getOrder() {
    return NettyWriteResponseFilter.WRITE_RESPONSE_FILTER_ORDER - 1;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    Matcher m = ACQUIRE.matcher(exchange.getRequest().getPath().value());
    if (exchange.getRequest().getMethod() != HttpMethod.POST || !m.matches()) return chain.filter(exchange);
    String waiter = UUID.randomUUID().toString();
    String name = m.group(1);
    ServerWebExchange tagged = exchange.mutate()
        .request(exchange.getRequest().mutate().headers(h -> h.set(HEADER, waiter)).build()).build();
    return chain.filter(tagged).doFinally(signal -> {
      HttpStatusCode status = tagged.getResponse().getStatusCode();
      boolean answered = signal == SignalType.ON_COMPLETE && status != null && !status.is5xxServerError();
      if (!answered) withdraw(tagged, name, waiter);
    });
  }

  private void withdraw(ServerWebExchange exchange, String name, String waiter) {
    Response<ServiceInstance> routed = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
    if (routed == null || !routed.hasServer() || token.isEmpty()) return;   // never reached a node
    URI uri = URI.create(routed.getServer().getUri() + "/api/locks/" + name + "/waiters/" + waiter);
    client.delete().uri(uri).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
        .retrieve().toBodilessEntity().timeout(Duration.ofSeconds(2))
        .subscribe(ok -> LOG.debug("withdrew abandoned acquire {} of '{}'", waiter, name),
            e -> LOG.debug("withdrawing abandoned acquire {} of '{}': {}", waiter, name, e.toString()));
  }
}
