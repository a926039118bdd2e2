package dsys.gateway.resilience;

import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR;
import static org.springframework.cloud.gateway.support.ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR;

import dsys.gateway.DsysGatewayProperties;
import dsys.gateway.problem.Delivery;
import dsys.gateway.problem.ProblemException;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.concurrent.TimeoutException;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Target of every route's {@code fallbackUri: forward:/fallback/<service>}: says which service
 * failed and how. A timeout is a 504, not a 503, because the request may have taken effect (a
 * history checker must record it as unknown); everything else means it was not served.
 */
@RestController
@Hidden
class FallbackController {
  private final DsysGatewayProperties properties;

  FallbackController(DsysGatewayProperties properties) {
    this.properties = properties;
  }

  @RequestMapping("/fallback/{service}")
  Mono<Void> fallback(@PathVariable String service, ServerWebExchange exchange) {
    return Mono.error(problem(service, exchange.getAttribute(CIRCUITBREAKER_EXECUTION_EXCEPTION_ATTR), exchange));
  }

  private ProblemException problem(String service, Throwable cause, ServerWebExchange exchange) {
    if (cause instanceof ProblemException problem) {
      return problem; // e.g. a pinned node that is not there: already names node and service
    }
    if (cause instanceof TimeoutException) {
      Route route = exchange.getAttribute(GATEWAY_ROUTE_ATTR);
      String limit = route == null ? "its time limit" : format(properties.timeoutFor(route.getId()));
      return new ProblemException(HttpStatus.GATEWAY_TIMEOUT, "gateway-timeout", "Service timeout",
          service + " did not answer within " + limit + "; the request may or may not have taken effect.", cause);
    }
    String why;
    if (cause instanceof CallNotPermittedException) {
      why = "its circuit breaker is open after repeated failures; the gateway tries again in a few seconds";
    } else if (cause instanceof NotFoundException) {
      why = "no instance is registered in Eureka";
    } else if (cause != null && !Delivery.neverSent(cause)) {
      return Delivery.outcomeUnknown(service, cause);
    } else if (cause != null) {
      why = "the call failed (" + cause.getClass().getSimpleName()
          + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
    } else {
      why = "it is not available";
    }
    return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "service-unavailable", "Service unavailable",
        service + " is unavailable: " + why + ".", cause);
  }

  private static String format(java.time.Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }
}
