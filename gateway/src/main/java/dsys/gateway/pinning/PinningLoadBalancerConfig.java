package dsys.gateway.pinning;

import dsys.gateway.DsysGatewayProperties;
import dsys.gateway.affinity.KeyAffinityInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * Per-service load balancer configuration (see {@code @LoadBalancerClients} on the application):
 * discovery, cached for {@code spring.cloud.loadbalancer.cache.ttl}, then key affinity
 * ({@code dsys.gateway.affinity}), then the pin. Deliberately
 * not a {@code @Configuration}: component scanning must not pull it into the main context.
 */
public class PinningLoadBalancerConfig {
  @Bean
  ServiceInstanceListSupplier pinningServiceInstanceListSupplier(ConfigurableApplicationContext context) {
    return ServiceInstanceListSupplier.builder()
        .withDiscoveryClient()
        .withCaching()
        .with((ctx, delegate) -> new KeyAffinityInstanceListSupplier(delegate,
            ctx.getBean(DsysGatewayProperties.class).affinity()))
        .with((ctx, delegate) -> new PinnedInstanceListSupplier(delegate))
        .build(context);
  }
}
