package dsys.gateway.affinity;

import static org.assertj.core.api.Assertions.assertThat;

import dsys.gateway.pinning.FixedInstances;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.RequestData;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/** Which requests the affinity narrows to one node: writes always, reads only for the services that ask for it. */
class AffinityByMethodTest {
  private final List<ServiceInstance> all = List.of(
      new DefaultServiceInstance("kv-1", "kv-service", "127.0.0.1", 8301, false),
      new DefaultServiceInstance("kv-2", "kv-service", "127.0.0.1", 8302, false),
      new DefaultServiceInstance("kv-3", "kv-service", "127.0.0.1", 8303, false));
  private final ServiceInstanceListSupplier registry = FixedInstances.of(all);
  private final Map<String, List<String>> prefixes = Map.of("kv-service", List.of("/api/kv/"));

  private static DefaultRequest<RequestDataContext> request(HttpMethod method, String path) {
    RequestData data = new RequestData(method, URI.create("http://gw" + path), new HttpHeaders(), new HttpHeaders(), null);
    return new DefaultRequest<>(new RequestDataContext(data));
  }

  private List<ServiceInstance> chosen(KeyAffinityInstanceListSupplier s, HttpMethod method, String path) {
    return s.get(request(method, path)).blockFirst();
  }

  @Test
  void withReadsTooEveryRequestOfAKeyspaceGoesToOneNode() {
    var s = new KeyAffinityInstanceListSupplier(registry, prefixes, List.of("kv-service"));
    List<ServiceInstance> put = chosen(s, HttpMethod.PUT, "/api/kv/default/a");
    assertThat(put).hasSize(1);
    for (String key : List.of("a", "b", "c", "d", "e")) {
      assertThat(chosen(s, HttpMethod.GET, "/api/kv/default/" + key)).isEqualTo(put);
      assertThat(chosen(s, HttpMethod.DELETE, "/api/kv/default/" + key)).isEqualTo(put);
    }
    assertThat(chosen(s, HttpMethod.GET, "/api/kv/default?prefix=a")).isEqualTo(put); // a listing of the keyspace
  }

  @Test
  void withoutReadsTooReadsKeepEveryInstance() {
    var s = new KeyAffinityInstanceListSupplier(registry, prefixes, List.of());
    assertThat(chosen(s, HttpMethod.GET, "/api/kv/default/a")).isEqualTo(all);
    assertThat(chosen(s, HttpMethod.PUT, "/api/kv/default/a")).hasSize(1);
  }

  @Test
  void keyspacesSpreadOverTheNodes() {
    var s = new KeyAffinityInstanceListSupplier(registry, prefixes, List.of("kv-service"));
    long nodes = java.util.stream.IntStream.range(0, 30)
        .mapToObj(i -> chosen(s, HttpMethod.GET, "/api/kv/ks" + i + "/k").get(0).getInstanceId()).distinct().count();
    assertThat(nodes).isEqualTo(3);
  }
}
