package dsys.txn.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.core.commit.CommitParticipant;
import dsys.core.commit.KeyValueResources;
import dsys.platform.host.CoreHost;
import dsys.platform.host.NodeRuntime;
import dsys.testing.TestNodes;
import dsys.txn.TxnCoordinatorApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * txn-1 (this module's application) and participants kv-1..3 ({@link ParticipantNode}) in this JVM, one group of
 * four members with static peers and the shared cluster secret: the members check lets only members send messages.
 */
final class TxnLiveCluster implements AutoCloseable {

    static final String COORDINATOR = "txn-1";
    static final List<String> PARTICIPANTS = List.of("kv-1", "kv-2", "kv-3");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, ConfigurableApplicationContext> contexts = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** {@code extra}: more key=value arguments for every node (each key at most once). */
    TxnLiveCluster(Path data, String... extra) throws IOException {
        ports.putAll(TestNodes.ports("txn", 1));
        ports.putAll(TestNodes.ports("kv", PARTICIPANTS.size()));
        try {
            // one after the other: concurrent Spring Boot starts race on the JVM-wide logging system
            for (String p : PARTICIPANTS) {
                List<String> args = new ArrayList<>(List.of(extra));
                args.add("spring.application.name=kv-service");
                contexts.put(p, new SpringApplicationBuilder(ParticipantNode.class)
                        .run(TestNodes.arguments(p, ports, data, args.toArray(String[]::new))));
            }
            contexts.put(COORDINATOR, new SpringApplicationBuilder(TxnCoordinatorApplication.class)
                    .run(TestNodes.arguments(COORDINATOR, ports, data, extra)));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    ConfigurableApplicationContext context(String node) {
        return contexts.get(node);
    }

    /** What the participant's store holds for {@code key}, read in its serial section. */
    KeyValueResources.Stored stored(String participant, String key) {
        return participantHost(participant).read(c -> ((KeyValueResources) ((CommitParticipant) c).resources()).read(key));
    }

    Map<String, String> locks(String participant) {
        return participantHost(participant).read(c -> ((CommitParticipant) c).resources().locks());
    }

    void pause(String node, long ms) {
        contexts.get(node).getBean(NodeRuntime.class).pause(ms);
    }

    private CoreHost participantHost(String participant) {
        return contexts.get(participant).getBean(CoreHost.class);
    }

    record Response(int status, String contentType, JsonNode body) {
    }

    Response post(String json, String... headers) {
        return call("POST", "/api/txn", json, headers);
    }

    Response post(String path, String json) {
        return call("POST", path, json);
    }

    NodeRuntime node(String node) {
        return contexts.get(node).getBean(NodeRuntime.class);
    }

    Response get(String path) {
        return call("GET", path, null);
    }

    private Response call(String method, String path, String json, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports.get(COORDINATOR) + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.body().isEmpty() ? null : JSON.readTree(r.body()));
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    @Override
    public void close() {
        contexts.values().forEach(ConfigurableApplicationContext::close);
        contexts.clear();
    }
}
