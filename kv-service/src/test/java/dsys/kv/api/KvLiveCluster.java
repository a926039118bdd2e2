package dsys.kv.api;

import dsys.kv.KvServiceApplication;
import dsys.testing.TestNodes;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** kv-1..n of kv-service in this JVM on free loopback ports: static peers, no Eureka, no Kafka. */
final class KvLiveCluster implements AutoCloseable {

    static final String TOKEN = TestNodes.ADMIN_TOKEN;
    private final Map<String, Integer> ports;
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    KvLiveCluster(int n) throws IOException {
        Path data = Files.createTempDirectory("dsys-kv-live");
        ports = TestNodes.ports("kv", n);
        for (String node : ports.keySet()) {
            String[] args = TestNodes.arguments(node, ports, data,
                    "dsys.kv.deadline-ms=800", "dsys.kv.retry-ms=100", "dsys.kv.anti-entropy-ms=300");
            // one after the other: concurrent Spring Boot starts race on the JVM-wide logging system
            contexts.add(new SpringApplicationBuilder(KvServiceApplication.class).run(args));
        }
    }

    /** A request to {@code node}; {@code headers} are name, value pairs. */
    HttpResponse<byte[]> call(String node, String method, String path, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(node) + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + " at " + node + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    HttpResponse<byte[]> admin(String node, String path) {
        return call(node, "POST", path, null, "Authorization", "Bearer " + TOKEN);
    }

    @Override
    public void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }
}
