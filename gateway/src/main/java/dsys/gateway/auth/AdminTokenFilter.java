package dsys.gateway.auth;

import dsys.gateway.DsysGatewayProperties;
import dsys.gateway.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Bearer-token check for the routes listed in {@code dsys.gateway.admin-routes}. A WebFilter rather
 * than a gateway filter so that it also guards the chaos fan-out controller. Without a configured
 * token admin routes are closed, never open. Services check the same token again themselves.
 */
@Component
public class AdminTokenFilter implements WebFilter, Ordered {
  private record Rule(String method, PathPattern path) {}

  private final List<Rule> rules;
  private final byte[] token;

  public AdminTokenFilter(DsysGatewayProperties properties, @Value("${dsys.admin-token:}") String token) {
    this.rules = properties.adminRoutes().stream()
        .map(r -> new Rule(r.method().trim().toUpperCase(), PathPatternParser.defaultInstance.parse(r.path())))
        .toList();
    this.token = token.trim().getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 10; // after the request id, so a 401 carries one
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    if (!isAdmin(request)) {
      return chain.filter(exchange);
    }
    String route = request.getMethod() + " " + request.getPath().value();
    if (token.length == 0) {
      return Mono.error(unauthorized(route + " is an admin route and no admin token is configured on the"
          + " gateway (set DSYS_ADMIN_TOKEN); admin routes stay closed until it is.", null));
    }
    String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return Mono.error(unauthorized(route + " is an admin route: send 'Authorization: Bearer <DSYS_ADMIN_TOKEN>'.", null));
    }
    byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, token)) { // constant time: no timing oracle on the token
      return Mono.error(unauthorized("The bearer token sent for " + route + " is not the admin token.", "invalid_token"));
    }
    return chain.filter(exchange);
  }

  private boolean isAdmin(ServerHttpRequest request) {
    String method = request.getMethod().name();
    return rules.stream().anyMatch(r -> (r.method().equals("*") || r.method().equals(method))
        && r.path().matches(request.getPath().pathWithinApplication()));
  }

  private static ProblemException unauthorized(String detail, String error) {
    String challenge = "Bearer realm=\"dsys\"" + (error == null ? "" : ", error=\"" + error + "\"");
    return new ProblemException(HttpStatus.UNAUTHORIZED, "unauthorized", "Admin token required", detail)
        .withHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
  }
}
