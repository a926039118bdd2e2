package dsys.gateway.pinning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

class AllRegisteredWhenNoneHealthyTest {
  private final ServiceInstance a = new DefaultServiceInstance("kv-1", "kv-service", "127.0.0.1", 8301, false);
  private final ServiceInstance b = new DefaultServiceInstance("kv-2", "kv-service", "127.0.0.1", 8302, false);

  @Test
  void theHealthyInstancesWhileThereAreAny() {
    var supplier = new AllRegisteredWhenNoneHealthy(FixedInstances.of(List.of(a)), FixedInstances.of(List.of(a, b)));
    assertThat(supplier.get().blockFirst()).containsExactly(a);
  }

  @Test
  void everyRegisteredInstanceWhenTheChecksLeaveNone() {
    var supplier = new AllRegisteredWhenNoneHealthy(FixedInstances.of(List.of()), FixedInstances.of(List.of(a, b)));
    assertThat(supplier.get().blockFirst()).containsExactly(a, b);
  }
}
