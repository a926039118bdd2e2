package dsys.gateway.requestid;

import io.micrometer.context.ContextRegistry;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Accepts the caller's {@code X-Request-Id} (or makes a UUID), sends it downstream, returns it, and
 * puts it in the Reactor context, from which automatic context propagation fills the log MDC.
 */
@Component
public class RequestIdFilter implements WebFilter, Ordered {
  public static final String HEADER = "X-Request-Id";
  public static final String ATTRIBUTE = RequestIdFilter.class.getName() + ".id";
  public static final String MDC_KEY = "requestId";
  public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;
  /** A caller's id goes into logs and headers: refuse anything that could forge log lines. */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  public RequestIdFilter() {
    ContextRegistry.getInstance().registerThreadLocalAccessor(
        MDC_KEY, () -> MDC.get(MDC_KEY), id -> MDC.put(MDC_KEY, id), () -> MDC.remove(MDC_KEY));
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String given = exchange.getRequest().getHeaders().getFirst(HEADER);
    String id = given != null && SAFE.matcher(given).matches() ? given : UUID.randomUUID().toString();
    exchange.getAttributes().put(ATTRIBUTE, id);
    ServerHttpResponse response = exchange.getResponse();
    // Set at commit time so that it replaces whatever a downstream service echoed: one value only.
    response.beforeCommit(() -> {
      response.getHeaders().set(HEADER, id);
      return Mono.empty();
    });
    ServerHttpRequest request = exchange.getRequest().mutate().headers(h -> h.set(HEADER, id)).build();
    return chain.filter(exchange.mutate().request(request).build())
        .contextWrite(Context.of(MDC_KEY, id));
  }
}
