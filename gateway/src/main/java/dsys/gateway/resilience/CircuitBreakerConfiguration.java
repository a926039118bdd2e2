package dsys.gateway.resilience;

import dsys.gateway.DsysGatewayProperties;
import dsys.gateway.limits.PayloadTooLargeException;
import dsys.gateway.pinning.PinnedNodeUnavailableException;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.time.Duration;
import org.springframework.cloud.circuitbreaker.resilience4j.ReactiveResilience4JCircuitBreakerFactory;
import org.springframework.cloud.circuitbreaker.resilience4j.Resilience4JConfigBuilder;
import org.springframework.cloud.client.circuitbreaker.Customizer;
import org.springframework.cloud.gateway.support.NotFoundException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One breaker per route (named like the route). The time limit covers the whole exchange and comes
 * from {@code dsys.gateway.timeouts}; Resilience4j's own default (1 s) would cut lock waits short.
 * Only exceptions count as failures: a downstream 5xx is an answer and passes through.
 */
@Configuration
class CircuitBreakerConfiguration {

  @Bean
  Customizer<ReactiveResilience4JCircuitBreakerFactory> dsysCircuitBreakers(DsysGatewayProperties properties) {
    CircuitBreakerConfig breaker = CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(20)
        .minimumNumberOfCalls(10)
        .failureRateThreshold(50)
        .waitDurationInOpenState(Duration.ofSeconds(5))
        .permittedNumberOfCallsInHalfOpenState(3)
        // Dashboards should show half_open after the wait even when nobody calls.
        .automaticTransitionFromOpenToHalfOpenEnabled(true)
        // None is a failing instance. Counting "no instance registered" would keep the breaker
        // open for seconds after a service registers when someone polled for it while starting.
        .ignoreExceptions(PinnedNodeUnavailableException.class, NotFoundException.class, PayloadTooLargeException.class)
        .build();
    return factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
        .circuitBreakerConfig(breaker)
        .timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(properties.timeoutFor(id)).build())
        .build());
  }
}
