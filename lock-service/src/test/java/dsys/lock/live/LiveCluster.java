package dsys.lock.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.lock.LockServiceApplication;
import dsys.testing.TestNodes;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** n lock-service instances in this JVM on free loopback ports, static peers, no Eureka, no Kafka. */
public final class LiveCluster implements AutoCloseable {

    public static final String TOKEN = TestNodes.ADMIN_TOKEN;
    public record Reply(int status, JsonNode body) {
    }

    public final List<String> nodes = new ArrayList<>();
    public final Map<String, String> urls = new LinkedHashMap<>();
    private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public LiveCluster(int n, Map<String, String> extra) throws IOException {
        Path data = TestNodes.dataDir("dsys-lock-live");
        Map<String, Integer> ports = TestNodes.ports("lock", n);
        ports.forEach((node, port) -> {
            nodes.add(node);
            urls.put(node, "http://127.0.0.1:" + port);
        });
        String[] more = extra.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        for (String node : nodes) {
            // One after the other: every Spring Boot start re-initialises the JVM-wide logging system, and two
            // starts at once race on it ("Unable to find Spring Environment in logger context"), seen whenever
            // another test class in the same JVM had closed its contexts just before.
            contexts.add(new SpringApplicationBuilder(LockServiceApplication.class).run(TestNodes.arguments(node, ports, data, more)));
        }
    }

    public String url(String node) {
        return urls.get(node);
    }

    public Reply post(String node, String path, Object body) {
        return send(node, "POST", path, body, false);
    }

    public Reply get(String node, String path) {
        return send(node, "GET", path, null, false);
    }

    public Reply admin(String node, String method, String path, Object body) {
        return send(node, method, path, body, true);
    }

    public Reply send(String node, String method, String path, Object body, boolean admin) {
        return send(node, method, path, body, admin, Map.of());
    }

    public Reply send(String node, String method, String path, Object body, boolean admin, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(node) + path)).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json");
            headers.forEach(b::header);
            if (admin) b.header("Authorization", "Bearer " + TOKEN);
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode n = r.body() == null || r.body().isBlank() ? json.nullNode() : json.readTree(r.body());
            return new Reply(r.statusCode(), n);
        } catch (IOException e) {
            return new Reply(-1, json.getNodeFactory().textNode(e.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, json.nullNode());
        }
    }

    public String getText(String node, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url(node) + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Waits until every node is in one epoch of {@code algorithm} (after a switch, or after faults). */
    public void awaitEpoch(String algorithm, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            List<JsonNode> views = nodes.stream().map(n -> get(n, "/api/locks/probe").body()).toList();
            if (views.stream().allMatch(v -> v.path("algorithm").asText().equals(algorithm))
                    && views.stream().map(v -> v.path("epoch").asLong(-1)).distinct().count() == 1) return;
            if (System.nanoTime() > deadline) throw new AssertionError("no common epoch of " + algorithm + ": " + views);
            Thread.sleep(100);
        }
    }

    /** Stops {@code node}'s process for good, as a kill would (its port stops answering). */
    public void kill(String node) {
        contexts.get(nodes.indexOf(node)).close();
    }

    /** Every node applies chaos calls that concern it, as the gateway's fan-out would. */
    public void chaosEverywhere(String method, String path, Object body) {
        for (String n : nodes) send(n, method, path, body, true);
    }

    @Override
    public void close() {
        contexts.forEach(ConfigurableApplicationContext::close);
    }
}
