package dsys.gateway.pinning;

import dsys.gateway.DsysGatewayProperties;
import dsys.gateway.affinity.KeyAffinityInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Per-service load balancer configuration (see {@code @LoadBalancerClients} on the application):
 * discovery, then health checks (Spring Cloud LoadBalancer's own: each instance's {@code /actuator/health} every
 * {@code spring.cloud.loadbalancer.health-check.interval}; an instance that answers DOWN, refuses, or does not answer
 * within the interval — killed, paused, storage broken — leaves the list until it answers UP again, long before
 * Eureka would expire it; the list is re-read from discovery every {@code refetch-instances-interval}, and replayed
 * between checks, so no cache is needed; when the checks leave none, every registered instance, see
 * {@link AllRegisteredWhenNoneHealthy}), then key affinity ({@code dsys.gateway.affinity}), then the pin (which picks
 * from every registered instance, health checks aside: {@link PinnedInstanceListSupplier}). Deliberately
 * not a {@code @Configuration}: component scanning must not pull it into the main context.
 */
public class PinningLoadBalancerConfig {
  @Bean
  ServiceInstanceListSupplier pinningServiceInstanceListSupplier(ConfigurableApplicationContext context) {
    ServiceInstanceListSupplier registered = ServiceInstanceListSupplier.builder().withDiscoveryClient().build(context);
    return ServiceInstanceListSupplier.builder()
        .withDiscoveryClient()
        .withHealthChecks()
        .with((ctx, delegate) -> new AllRegisteredWhenNoneHealthy(delegate, registered))
        .with((ctx, delegate) -> new KeyAffinityInstanceListSupplier(delegate,
            ctx.getBean(DsysGatewayProperties.class).affinity(), ctx.getBean(DsysGatewayProperties.class).affinityReads()))
        .with((ctx, delegate) -> new PinnedInstanceListSupplier(delegate, registered))
        .build(context);
  }
}
