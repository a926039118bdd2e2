package dsys.gateway.pinning;

import java.util.List;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import reactor.core.publisher.Flux;

/**
 * Narrows the load balancer's candidates to the node named in {@code X-Dsys-Node}, if any. A pin picks from every
 * registered instance, not from those the health checks passed: the client named the node on purpose, and a live
 * node whose check was slow (a loaded host, a partition demo) must still get its request. A dead one refuses the
 * connection, which the pinning filter turns into a 503 naming it.
 */
public class PinnedInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

  private final ServiceInstanceListSupplier registered;

  public PinnedInstanceListSupplier(ServiceInstanceListSupplier delegate, ServiceInstanceListSupplier registered) {
    super(delegate);
    this.registered = registered;
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
    return registered.get().next().flux()
        .map(instances -> instances.stream().filter(i -> node.equals(NodePinning.nodeOf(i))).toList());
  }
}
