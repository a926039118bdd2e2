package dsys.gateway.pinning;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/** Narrows the load balancer's candidates to the node named in {@code X-Dsys-Node}, if any. */
public class PinnedInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

  public PinnedInstanceListSupplier(ServiceInstanceListSupplier delegate) {
    super(delegate);
  }

  @Override
  public Flux<List<ServiceInstance>> get() {
    return delegate.get();
  }

  @Override
  public Flux<List<ServiceInstance>> get(Request request) {
    String node = request.getContext() instanceof RequestDataContext context && context.getClientRequest() != null
        ? context.getClientRequest().getHeaders().getFirst(NodePinning.HEADER)
        : null;
    if (node == null) {
      return delegate.get(request);
    }
    return delegate.get(request)
        .map(instances -> instances.stream().filter(i -> node.equals(NodePinning.nodeOf(i))).toList());
  }
}
