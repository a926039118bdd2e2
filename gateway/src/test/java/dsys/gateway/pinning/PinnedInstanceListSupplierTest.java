package dsys.gateway.pinning;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

class PinnedInstanceListSupplierTest {
  private final ServiceInstance a = new DefaultServiceInstance("kv-1", "kv-service", "127.0.0.1", 8301, false);
  private final ServiceInstance b = new DefaultServiceInstance("kv-2", "kv-service", "127.0.0.1", 8302, false);

  // Health checks passed only kv-1 (kv-2 was slow to answer its check); both are registered.
  private final PinnedInstanceListSupplier supplier =
      new PinnedInstanceListSupplier(FixedInstances.of(List.of(a)), FixedInstances.of(List.of(a, b)));

  private static DefaultRequest<RequestDataContext> request(String pin) {
    HttpHeaders headers = new HttpHeaders();
    if (pin != null) headers.add(NodePinning.HEADER, pin);
    RequestData data = new RequestData(HttpMethod.PUT, URI.create("http://gw/api/kv/default/k"), headers, new HttpHeaders(), null);
    return new DefaultRequest<>(new RequestDataContext(data));
  }

  @Test
  void aPinnedRequestReachesARegisteredNodeTheHealthChecksLeftOut() {
    assertThat(supplier.get(request("kv-2")).blockFirst()).containsExactly(b);
  }

  @Test
  void aPinToAnUnregisteredNodeFindsNone() {
    assertThat(supplier.get(request("kv-9")).blockFirst()).isEmpty();
  }

  @Test
  void anUnpinnedRequestKeepsTheHealthCheckedList() {
    assertThat(supplier.get(request(null)).blockFirst()).containsExactly(a);
  }
}
