package dsys.gateway.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.gateway.requestid.RequestIdFilter;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.web.reactive.error.ErrorWebExceptionHandler;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Turns every error that reaches the top of the gateway (no route, 401, 503, 504, bugs) into
 * problem+json. Runs before Boot's default handler, which would answer with its own JSON shape.
 * Downstream answers, 4xx/5xx included, are passed through untouched and never get here.
 */
@Component
@Order(-2)
public class ProblemExceptionHandler implements ErrorWebExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

  private final ObjectMapper json;
  private final GatewayProperties routes;
  private volatile String routeList;

  public ProblemExceptionHandler(ObjectMapper json, GatewayProperties routes) {
    this.json = json;
    this.routes = routes;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
    ServerHttpResponse response = exchange.getResponse();
    if (response.isCommitted()) {
      return Mono.error(error);
    }
    ProblemException problem = toProblem(exchange, error);
    String requestId = exchange.getAttribute(RequestIdFilter.ATTRIBUTE);
    if (problem.status().is5xxServerError()) {
      // Outside the filter chain's Reactor context: put the id into the MDC by hand.
      try (var ignored = MDC.putCloseable(RequestIdFilter.MDC_KEY, requestId)) {
        log.warn("{} {} -> {}: {}", exchange.getRequest().getMethod(), exchange.getRequest().getPath(),
            problem.status().value(), problem.getMessage(), problem.status().value() == 500 ? error : null);
      }
    }
    ProblemDetail body = problem.toProblemDetail();
    body.setInstance(URI.create(exchange.getRequest().getPath().value()));
    if (requestId != null) {
      body.setProperty("requestId", requestId);
    }
    response.setStatusCode(problem.status());
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    response.getHeaders().addAll(problem.headers());
    try {
      byte[] bytes = json.writeValueAsBytes(body);
      return response.writeWith(Mono.just(response.bufferFactory().wrap(bytes)));
    } catch (JsonProcessingException e) {
      return Mono.error(e);
    }
  }

  private ProblemException toProblem(ServerWebExchange exchange, Throwable error) {
    if (error instanceof ProblemException problem) {
      return problem;
    }
    if (error instanceof ResponseStatusException status) {
      HttpStatusCode code = status.getStatusCode();
      if (code.value() == 404) {
        return new ProblemException(code, "not-found", "No such route",
            "Nothing matches " + exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath()
                + ". Routes: " + routeList() + "; every service's API is listed at /swagger-ui.html.");
      }
      String reason = status.getReason() != null ? status.getReason() : status.getMessage();
      return new ProblemException(code, slug(code), title(code), reason);
    }
    if (error instanceof TimeoutException) {
      return new ProblemException(HttpStatus.GATEWAY_TIMEOUT, "gateway-timeout", "Gateway timeout",
          "The request did not complete in time; it may or may not have taken effect.");
    }
    return new ProblemException(HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Gateway error",
        "The gateway failed (" + error.getClass().getSimpleName() + "); the request id is in the log.");
  }

  /** Route paths from application.yml, so that the hint never goes stale. */
  private String routeList() {
    if (routeList == null) {
      Set<String> paths = new LinkedHashSet<>();
      routes.getRoutes().forEach(route -> route.getPredicates().stream()
          .filter(p -> p.getName().equals("Path"))
          .flatMap(p -> p.getArgs().values().stream())
          .filter(path -> path.startsWith("/api/") && path.endsWith("/**"))
          .forEach(paths::add));
      paths.add("/api/chaos/**");
      routeList = String.join(", ", paths);
    }
    return routeList;
  }

  static String slug(HttpStatusCode code) {
    HttpStatus known = HttpStatus.resolve(code.value());
    return known == null ? "http-" + code.value() : known.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  private static String title(HttpStatusCode code) {
    HttpStatus known = HttpStatus.resolve(code.value());
    return known == null ? "HTTP " + code.value() : known.getReasonPhrase();
  }
}
