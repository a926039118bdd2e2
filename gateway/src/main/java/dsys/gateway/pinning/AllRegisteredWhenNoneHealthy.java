package dsys.gateway.pinning;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Envoy's "panic mode": when the health checks leave no instance of a service (every node slow to answer its
 * health check on a loaded host, or the checks not done yet right after the gateway started), route to every
 * registered instance rather than refuse every request. A dead one refuses the connection (retried elsewhere, or a
 * 503); a live but slow one still answers. Without this, one overloaded second turned a whole service into 503s.
 */
class AllRegisteredWhenNoneHealthy extends DelegatingServiceInstanceListSupplier {
  private final ServiceInstanceListSupplier registered;

  AllRegisteredWhenNoneHealthy(ServiceInstanceListSupplier healthChecked, ServiceInstanceListSupplier registered) {
    super(healthChecked);
    this.registered = registered;
  }

  @Override
  public Flux<List<ServiceInstance>> get() {
    return delegate.get().flatMap(healthy -> healthy.isEmpty() ? registered.get().next() : Mono.just(healthy));
  }
}
