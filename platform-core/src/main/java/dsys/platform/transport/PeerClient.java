package dsys.platform.transport;

import dsys.core.node.NodeId;
import dsys.platform.web.RequestIdFilter;
import org.slf4j.MDC;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Optional;

/**
 * Plain REST calls from an adapter to a peer node (e.g. "what is your clock?"), with a timeout and the
 * caller's request id. Algorithm messages do not go this way: they go through the transport.
 */
public class PeerClient {

    private final PeerDirectory peers;
    private final RestClient rest;

    public PeerClient(PeerDirectory peers, Duration timeout) {
        this.peers = peers;
        JdkClientHttpRequestFactory f = new JdkClientHttpRequestFactory(HttpClient.newBuilder().connectTimeout(timeout).build());
        f.setReadTimeout(timeout);
        this.rest = RestClient.builder().requestFactory(f).requestInterceptor((req, body, exec) -> {
            String id = MDC.get(RequestIdFilter.MDC_KEY);
            if (id != null) req.getHeaders().set(RequestIdFilter.HEADER, id);
            return exec.execute(req, body);
        }).build();
    }

    /** GET {@code path} on {@code node}; empty when the node is unknown, unreachable or answers an error. */
    public <T> Optional<T> get(NodeId node, String path, Class<T> type) {
        return peers.baseUrl(node).flatMap(base -> {
            try {
                return Optional.ofNullable(rest.get().uri(base + path).retrieve().body(type));
            } catch (RestClientException e) {
                return Optional.empty();
            }
        });
    }

    /** POST a JSON body to {@code path} on {@code node}; empty on failure. */
    public <T> Optional<T> post(NodeId node, String path, Object body, Class<T> type) {
        return peers.baseUrl(node).flatMap(base -> {
            try {
                return Optional.ofNullable(rest.post().uri(base + path).body(body).retrieve().body(type));
            } catch (RestClientException e) {
                return Optional.empty();
            }
        });
    }

    public RestClient rest() {
        return rest;
    }
}
