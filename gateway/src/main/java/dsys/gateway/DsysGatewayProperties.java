package dsys.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code dsys.gateway.*}: what the routes in application.yml do not say by themselves.
 *
 * @param eventsService service id that serves {@code /api/events/**} (all services can: they read Kafka)
 * @param timeouts time limit per circuit breaker (= route id), key {@code default} for the rest
 * @param adminRoutes method + path pattern pairs that need the admin bearer token
 * @param chaos which services receive {@code /api/chaos/**} and how long each node may take
 * @param affinity per service id, path prefixes whose next segment is a key that always goes to one node
 * @param affinityReads services whose reads (GET, HEAD) follow the affinity too, not only their writes
 */
@ConfigurationProperties("dsys.gateway")
public record DsysGatewayProperties(
    @DefaultValue("time-service") String eventsService,
    @DefaultValue Map<String, Duration> timeouts,
    @DefaultValue List<AdminRoute> adminRoutes,
    @DefaultValue Chaos chaos,
    @DefaultValue Map<String, List<String>> affinity,
    @DefaultValue List<String> affinityReads) {

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /** {@code method} is an HTTP method name or {@code *}; {@code path} a Spring PathPattern. */
  public record AdminRoute(String method, String path) {}

  public record Chaos(
      @DefaultValue({"time-service", "lock-service", "kv-service", "txn-coordinator"}) List<String> services,
      @DefaultValue("2s") Duration timeout) {}

  public Duration timeoutFor(String circuitBreaker) {
    return timeouts.getOrDefault(circuitBreaker, timeouts.getOrDefault("default", DEFAULT_TIMEOUT));
  }
}
