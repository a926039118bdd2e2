package dsys.kv.api;

import dsys.kv.KvServiceApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** kv-1..n of kv-service in this JVM on free loopback ports: static peers, no Eureka, no Kafka. */
final class KvLiveCluster implements AutoCloseable {

    static final String TOKEN = "test";
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    KvLiveCluster(int n) throws IOException {
        String data = Files.createTempDirectory("dsys-kv-live").toString();
        for (int i = 1; i <= n; i++) {
            try (ServerSocket s = new ServerSocket(0)) {
                ports.put("kv-" + i, s.getLocalPort());
            }
        }
        for (String node : ports.keySet()) {
            List<String> args = new ArrayList<>(List.of("--server.port=" + ports.get(node), "--dsys.node=" + node,
                    "--dsys.members=" + String.join(",", ports.keySet()), "--eureka.client.enabled=false",
                    "--dsys.kafka.enabled=false", "--dsys.admin-token=" + TOKEN, "--dsys.data-dir=" + data,
                    "--spring.main.banner-mode=off", "--logging.level.root=WARN", "--springdoc.api-docs.enabled=false",
                    "--dsys.kv.deadline-ms=800", "--dsys.kv.retry-ms=100", "--dsys.kv.anti-entropy-ms=300"));
            ports.forEach((peer, port) -> args.add("--dsys.peers." + peer + "=http://127.0.0.1:" + port));
            // one after the other: concurrent Spring Boot starts race on the JVM-wide logging system
            contexts.add(new SpringApplicationBuilder(KvServiceApplication.class).run(args.toArray(String[]::new)));
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
