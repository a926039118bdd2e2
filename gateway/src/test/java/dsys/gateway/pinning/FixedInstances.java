package dsys.gateway.pinning;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/** A kv-service instance list that never changes, for the suppliers' tests. */
public final class FixedInstances {
  private FixedInstances() {
  }

  public static ServiceInstanceListSupplier of(List<ServiceInstance> list) {
    return new ServiceInstanceListSupplier() {
      @Override
      public String getServiceId() {
        return "kv-service";
      }

      @Override
      public Flux<List<ServiceInstance>> get() {
        return Flux.just(list);
      }
    };
  }
}
