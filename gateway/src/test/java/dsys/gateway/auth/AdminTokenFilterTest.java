package dsys.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dsys.gateway.DsysGatewayProperties;
import dsys.gateway.DsysGatewayProperties.AdminRoute;
import dsys.gateway.problem.ProblemException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

class AdminTokenFilterTest {
  private static final DsysGatewayProperties PROPERTIES = new DsysGatewayProperties("time-service", Map.of(),
      List.of(new AdminRoute("*", "/api/chaos/**")), new DsysGatewayProperties.Chaos(List.of(), null), Map.of(), List.of());

  @Test
  void withoutAConfiguredTokenAdminRoutesAreClosedEvenToAnEmptyBearer() {
    AdminTokenFilter filter = new AdminTokenFilter(PROPERTIES, "  ");
    AtomicBoolean passed = new AtomicBoolean();
    WebFilterChain chain = exchange -> Mono.fromRunnable(() -> passed.set(true));

    Throwable refused = run(filter, MockServerHttpRequest.delete("/api/chaos")
        .header(HttpHeaders.AUTHORIZATION, "Bearer ").build(), chain);
    assertThat(refused).isInstanceOf(ProblemException.class).hasMessageContaining("DSYS_ADMIN_TOKEN");
    assertThat(((ProblemException) refused).status().value()).isEqualTo(401);
    assertThat(passed).isFalse();

    assertThat(run(filter, MockServerHttpRequest.get("/api/kv/default/k").build(), chain)).isNull();
    assertThat(passed).as("other routes stay open").isTrue();
  }

  private static Throwable run(AdminTokenFilter filter, MockServerHttpRequest request, WebFilterChain chain) {
    try {
      filter.filter(MockServerWebExchange.from(request), chain).block();
      return null;
    } catch (ProblemException e) {
      return e;
    }
  }
}
