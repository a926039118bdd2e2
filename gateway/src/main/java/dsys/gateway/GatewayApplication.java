package dsys.gateway;

import dsys.gateway.pinning.PinningLoadBalancerConfig;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;

/** The one entry point: routes to services found in Eureka, guards admin routes, fans out chaos. */
@SpringBootApplication
@ConfigurationPropertiesScan
@LoadBalancerClients(defaultConfiguration = PinningLoadBalancerConfig.class)
public class GatewayApplication {
  public static void main(String[] args) {
    SpringApplication.run(GatewayApplication.class, args);
  }
}
