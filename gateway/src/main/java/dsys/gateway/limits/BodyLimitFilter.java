package dsys.gateway.limits;

import dsys.gateway.requestid.RequestIdFilter;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The largest request body the gateway passes on ({@code dsys.web.max-body}, as on the services), on every route
 * and its own endpoints. A Content-Length over it is a 413 problem before anything is read or routed; a chunked
 * body is counted as it streams through and fails at the limit with the same 413. Spring Cloud Gateway's
 * RequestSize filter does the first half only, and answers without a problem body.
 */
@Component
public class BodyLimitFilter implements WebFilter, Ordered {
  private final long limit;

  public BodyLimitFilter(@Value("${dsys.web.max-body:1088KB}") DataSize limit) {
    this.limit = limit.toBytes();
  }

  @Override
  public int getOrder() {
    return RequestIdFilter.ORDER + 1; // its problems carry the request id
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    long declared = request.getHeaders().getContentLength();
    if (declared > limit) {
      return Mono.error(new PayloadTooLargeException(limit));
    }
    if (declared >= 0) {
      return chain.filter(exchange); // Netty stops a body at its declared length
    }
    ServerHttpRequest counted = new ServerHttpRequestDecorator(request) {
      @Override
      public Flux<DataBuffer> getBody() {
        AtomicLong seen = new AtomicLong();
        return super.getBody().handle((buffer, sink) -> {
          if (seen.addAndGet(buffer.readableByteCount()) > limit) {
            DataBufferUtils.release(buffer);
            sink.error(new PayloadTooLargeException(limit));
          } else {
            sink.next(buffer);
          }
        });
      }
    };
    return chain.filter(exchange.mutate().request(counted).build());
  }
}
