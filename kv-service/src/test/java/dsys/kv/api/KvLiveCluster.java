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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** kv-1..n of kv-service in this JVM on free loopback ports: static peers, no Eureka, no Kafka. */
final class KvLiveCluster implements AutoCloseable {

    static final String TOKEN = TestNodes.ADMIN_TOKEN;
    private final Map<String, Integer> ports;
    private final Map<String, ConfigurableApplicationContext> contexts = new LinkedHashMap<>();
    private final Path data;
    private final String[] extra;
    private final List<Object> beans;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    KvLiveCluster(int n, String... extra) throws IOException {
        this(n, List.of(), extra);
    }

    /** With {@code beans} registered in every node before its configuration (which then skips its own of that type). */
    KvLiveCluster(int n, List<Object> beans, String... extra) throws IOException {
        this.beans = beans;
        data = TestNodes.dataDir("dsys-kv-live");
        ports = TestNodes.ports("kv", n);
        Map<String, String> settings = new LinkedHashMap<>();
        for (String a : List.of("dsys.kv.deadline-ms=800", "dsys.kv.retry-ms=100", "dsys.kv.anti-entropy-ms=300"))
            settings.put(a.substring(0, a.indexOf('=')), a);
        // a setting given twice on the command line would bind as "a,b": extra replaces the default instead
        for (String a : extra) settings.put(a.substring(0, a.indexOf('=')), a);
        this.extra = settings.values().toArray(String[]::new);
        // one after the other: concurrent Spring Boot starts race on the JVM-wide logging system
        for (String node : ports.keySet()) start(node);
    }

    /** Starts (again) the JVM-side node on its port and data directory: what it knows comes from its disk. */
    void start(String node) {
        contexts.put(node, new SpringApplicationBuilder(KvServiceApplication.class)
                .initializers(c -> beans.forEach(b -> c.getBeanFactory().registerSingleton("test-" + b.getClass().getSimpleName(), b)))
                .run(TestNodes.arguments(node, ports, data, extra)));
    }

    /** Stops the node as a process stop would: its Spring context and cores are gone, its disk stays. */
    void stop(String node) {
        ConfigurableApplicationContext c = contexts.remove(node);
        if (c != null) c.close();
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

    /** The node's data directory (its disk), to read while the node is stopped. */
    Path dataDir(String node) {
        return data.resolve(node);
    }

    <T> T bean(String node, Class<T> type) {
        return contexts.get(node).getBean(type);
    }

    int port(String node) {
        return ports.get(node);
    }

    HttpResponse<byte[]> admin(String node, String path) {
        return call(node, "POST", path, null, "Authorization", "Bearer " + TOKEN);
    }

    /** An admin POST of a JSON body. */
    HttpResponse<byte[]> admin(String node, String path, String json) {
        return call(node, "POST", path, json.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                "Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
    }

    @Override
    public void close() {
        contexts.values().forEach(ConfigurableApplicationContext::close);
    }
}
