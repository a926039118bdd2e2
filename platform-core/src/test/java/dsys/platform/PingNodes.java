package dsys.platform;

import dsys.testing.TestNodes;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link PingApp} nodes ping-1..n in this JVM on loopback ports, a group of peers (see {@link TestNodes}). */
public final class PingNodes implements AutoCloseable {

    public static final HttpClient HTTP = HttpClient.newHttpClient();

    public final Map<String, Integer> ports;
    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

    public PingNodes(int n, Path data, String... extra) throws IOException {
        ports = TestNodes.ports("ping", n);
        List<String> more = new ArrayList<>(List.of("spring.application.name=ping"));
        more.addAll(List.of(extra));
        // one after the other: Spring Boot's logging setup is not safe to run from parallel starts in one JVM
        for (String node : ports.keySet()) {
            nodes.add(new SpringApplicationBuilder(PingApp.class)
                    .run(TestNodes.arguments(node, ports, data, more.toArray(String[]::new))));
        }
    }

    /** Node {@code i} (0-based). */
    public ConfigurableApplicationContext node(int i) {
        return nodes.get(i);
    }

    public int port(int i) {
        return ports.get("ping-" + (i + 1));
    }

    public URI uri(int i, String path) {
        return URI.create("http://127.0.0.1:" + port(i) + path);
    }

    public HttpResponse<String> call(int i, String method, String path, String body, boolean admin) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(i, path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (admin) b.header("Authorization", "Bearer " + TestNodes.ADMIN_TOKEN);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        nodes.forEach(ConfigurableApplicationContext::close);
    }
}
