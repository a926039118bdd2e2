package dsys.gateway.tracing;

import dsys.gateway.requestid.RequestIdFilter;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * One span per routed request, the root of the trace the services continue (or a child of the caller's, when it
 * sends a sampled W3C {@code traceparent}): it covers the whole exchange (load balancing, breaker, retries) and
 * hands the service its context in {@code traceparent}. The answer says which trace it was ({@code X-Trace-Id}).
 *
 * <p>Not Spring's server and client observations: they time every request twice more (the gateway's README), which
 * measured 15 % of lock throughput; this records nothing for an unsampled request but the sampler's decision.
 * Which requests are sampled: {@code dsys.tracing.traces-per-second} ({@link TracingConfiguration}); a caller's own
 * decision in its {@code traceparent} wins, and an unsampled caller context is passed on untouched.
 */
@Component
public class TraceFilter implements GlobalFilter, Ordered {
  /** On the answer to a traced request: its trace id, to look it up in Zipkin. */
  public static final String TRACE_ID = "X-Trace-Id";
  private static final Propagator.Getter<HttpHeaders> HEADERS = HttpHeaders::getFirst;
  private final Propagator propagator;

  public TraceFilter(Propagator propagator) {
    this.propagator = propagator;
  }

  /** Outermost: the span covers the breaker's time limit, retries and the hand-over of the answer. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
    String routeId = route == null ? "gateway" : route.getId();
    Span span = propagator.extract(request.getHeaders(), HEADERS).kind(Span.Kind.SERVER)
        .name(request.getMethod().name() + " " + routeId).start();
    if (span.isNoop()) {
      return chain.filter(exchange); // not sampled: nothing to record or to hand on
    }
    span.tag("http.method", request.getMethod().name()).tag("http.path", request.getPath().value())
        .tag("dsys.route", routeId);
    exchange.getResponse().getHeaders().set(TRACE_ID, span.context().traceId()); // the console links it to Zipkin
    String requestId = exchange.getAttribute(RequestIdFilter.ATTRIBUTE);
    if (requestId != null) span.tag("request.id", requestId);
    ServerHttpRequest traced = request.mutate()
        .headers(h -> propagator.inject(span.context(), h, HttpHeaders::set)).build();
    return chain.filter(exchange.mutate().request(traced).build())
        .doFinally(signal -> finish(span, exchange, signal));
  }

  private static void finish(Span span, ServerWebExchange exchange, SignalType signal) {
    HttpStatusCode status = exchange.getResponse().getStatusCode();
    if (status != null) span.tag("http.status_code", Integer.toString(status.value()));
    if (signal == SignalType.CANCEL) span.tag("dsys.outcome", "cancelled"); // the client went away
    else if (signal == SignalType.ON_ERROR || status != null && status.is5xxServerError()) span.tag("error", "true");
    Response<ServiceInstance> routed = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_LOADBALANCER_RESPONSE_ATTR);
    if (routed != null && routed.hasServer()) {
      String node = routed.getServer().getMetadata().get("node");
      if (node != null) span.tag("dsys.node", node);
    }
    span.end();
  }
}
