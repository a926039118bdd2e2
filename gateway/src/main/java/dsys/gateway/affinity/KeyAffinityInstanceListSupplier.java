package dsys.gateway.affinity;

import dsys.gateway.pinning.NodePinning;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.http.HttpMethod;
import reactor.core.publisher.Flux;

/**
 * Sends every request that changes one key (the path segment after a configured prefix, e.g. the lock name after
 * {@code /api/locks/}; a {@code *} segment of a prefix matches any one segment and is part of the key, e.g. the
 * keyspace in {@code /api/kv/}{@code *}{@code /}) to the same live instance, chosen by rendezvous hashing over the
 * instances' node ids. Which node serves a client does not change any algorithm (any node may act for a client);
 * it saves messages: a lock's acquire and release meet on the node that acts for the holder instead of being
 * forwarded, and a kv key's writes meet on the coordinator that holds its lease (one round trip instead of two)
 * and do not duel with each other's ballots. When that node leaves the registry, its keys spread over the others
 * and nothing else moves. POST, PUT and DELETE are narrowed; reads (GET, HEAD) only for the services named in
 * {@code dsys.gateway.affinity-reads}, the others keep round robin and the gateway's retry on another instance. A
 * pinned request ({@code X-Dsys-Node}) is left to the pin.
 */
public class KeyAffinityInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

  private static final Set<HttpMethod> WRITES = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE);
  private static final Set<HttpMethod> WRITES_AND_READS =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.GET, HttpMethod.HEAD);

  private final List<String> prefixes;
  private final Set<HttpMethod> narrowed;

  public KeyAffinityInstanceListSupplier(ServiceInstanceListSupplier delegate, Map<String, List<String>> byService,
      List<String> readsToo) {
    super(delegate);
    this.prefixes = byService.getOrDefault(delegate.getServiceId(), List.of());
    this.narrowed = readsToo.contains(delegate.getServiceId()) ? WRITES_AND_READS : WRITES;
  }

  @Override
  public Flux<List<ServiceInstance>> get() {
    return delegate.get();
  }

  @Override
  public Flux<List<ServiceInstance>> get(Request request) {
    if (prefixes.isEmpty() || !(request.getContext() instanceof RequestDataContext context)
        || context.getClientRequest() == null
        || !narrowed.contains(context.getClientRequest().getHttpMethod())
        || context.getClientRequest().getHeaders().getFirst(NodePinning.HEADER) != null) {
      return delegate.get(request);
    }
    String key = keyOf(context.getClientRequest().getUrl().getRawPath(), prefixes);
    if (key == null) return delegate.get(request);
    return delegate.get(request).map(instances -> instances.isEmpty() ? instances
        : List.of(instances.stream().max(Comparator.comparingLong(i -> weight(key, NodePinning.nodeOf(i)))).get()));
  }

  /**
   * The segment right after the first matching prefix, after the segments its {@code *}s matched (joined by
   * {@code /}), or null (no prefix matches, or nothing follows it).
   */
  public static String keyOf(String path, List<String> prefixes) {
    for (String p : prefixes) {
      StringBuilder key = new StringBuilder();
      int at = 0, i = 0;
      while (i < p.length() && at >= 0) {
        if (p.charAt(i) == '*') {
          int end = path.indexOf('/', at);
          if (end <= at) at = -1;
          else {
            key.append(path, at, end).append('/');
            at = end;
          }
          i++;
        } else if (at < path.length() && path.charAt(at) == p.charAt(i)) {
          at++;
          i++;
        } else {
          at = -1;
        }
      }
      if (at < 0 || at == path.length()) continue;
      int end = path.indexOf('/', at);
      String last = end < 0 ? path.substring(at) : path.substring(at, end);
      if (!last.isEmpty()) return key.append(last).toString();
    }
    return null;
  }

  /** Rendezvous (highest random weight) hashing: the key goes to the node with the largest weight. */
  public static long weight(String key, String node) {
    CRC32C crc = new CRC32C();
    crc.update((node + '\n' + key).getBytes(StandardCharsets.UTF_8));
    long h = crc.getValue() * 0x9E3779B97F4A7C15L; // spread CRC's 32 bits over the long
    return h ^ (h >>> 29);
  }
}
