package dsys.platform;

import dsys.testing.TestNodes;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@link PingApp} nodes ping-1..n in this JVM on loopback ports, a group of peers (see {@link TestNodes}), for the
 * tests of a class: {@code @RegisterExtension static final PingNodes nodes = new PingNodes(2);}
 */
public final class PingNodes implements BeforeAllCallback, AfterAllCallback {

    public static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int n;
    private final List<String> arguments = new ArrayList<>(List.of("spring.application.name=ping"));
    private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();
    private Map<String, Integer> ports;
    private Path data;

    public PingNodes(int n, String... extra) {
        this.n = n;
        arguments.addAll(List.of(extra));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        data = TestNodes.dataDir("dsys-ping");
        ports = TestNodes.ports("ping", n);
        // one after the other: Spring Boot's logging setup is not safe to run from parallel starts in one JVM
        for (String node : ports.keySet()) {
            nodes.add(new SpringApplicationBuilder(PingApp.class)
                    .run(TestNodes.arguments(node, ports, data, arguments.toArray(String[]::new))));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        nodes.forEach(ConfigurableApplicationContext::close);
        nodes.clear();
        FileSystemUtils.deleteRecursively(data);
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

}
