package dsys.platform.transport;

import dsys.core.node.NodeId;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;

import java.util.Map;
import java.util.Optional;

/**
 * Where a peer node answers: a static address from {@code dsys.peers.<node>} (the launcher and tests set them),
 * else the Eureka instance of the same service whose metadata {@code node} names it.
 */
public class PeerDirectory {

    private final Map<String, String> staticPeers;
    private final ObjectProvider<DiscoveryClient> discovery;
    private final String service;

    public PeerDirectory(Map<String, String> staticPeers, ObjectProvider<DiscoveryClient> discovery, String service) {
        this.staticPeers = Map.copyOf(staticPeers);
        this.discovery = discovery;
        this.service = service;
    }

    public Optional<String> baseUrl(NodeId node) {
        String s = staticPeers.get(node.value());
        if (s != null) return Optional.of(stripSlash(s));
        DiscoveryClient dc = discovery.getIfAvailable();
        if (dc == null) return Optional.empty();
        return dc.getInstances(service).stream()
                .filter(i -> node.value().equals(i.getMetadata().get("node")))
                .findFirst()
                .map(ServiceInstance::getUri)
                .map(u -> stripSlash(u.toString()));
    }

    private static String stripSlash(String s) {
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
