package dsys.kv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Three nodes over HTTP: range listing through pages, and watches (SSE) across nodes, resumed by id, bounded. */
class ListAndWatchLiveTest {

    private static KvLiveCluster cluster;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<CompletableFuture<?>> streams = new ArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        cluster = new KvLiveCluster(3, "dsys.kv.deadline-ms=3000", "dsys.kv.retry-ms=250", "dsys.kv.max-watchers=2");
    }

    @AfterAll
    static void stop() {
        streams.forEach(f -> f.cancel(true));
        if (cluster != null) cluster.close();
    }

    private static String put(String node, String key, String value) throws IOException {
        HttpResponse<byte[]> r = cluster.call(node, "PUT", "/api/kv/default/" + key, value.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "text/plain");
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return JSON.readTree(r.body()).path("version").asText();
    }

    private static JsonNode get(String node, String path) throws IOException {
        HttpResponse<byte[]> r = cluster.call(node, "GET", path, null);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void listingPagesThroughLiveKeysInOrderFromAnyNode() throws IOException {
        for (String k : List.of("l.c", "l.a", "l.b", "l.d", "m.x")) put("kv-1", k, "v-" + k);
        assertThat(cluster.call("kv-2", "DELETE", "/api/kv/default/l.b", null).statusCode()).isEqualTo(200);
        List<String> keys = new ArrayList<>();
        String after = null;
        for (int page = 0; page < 10; page++) {
            JsonNode p = get("kv-3", "/api/kv/default?prefix=l.&limit=2" + (after == null ? "" : "&after=" + after));
            assertThat(p.path("keys").size()).isLessThanOrEqualTo(2);
            p.path("keys").forEach(k -> {
                keys.add(k.path("key").asText());
                assertThat(k.path("version").asText()).matches("\\d+\\.kv-\\d");
                assertThat(k.path("size").asInt()).isPositive();
            });
            if (p.path("next").isNull() || p.path("next").isMissingNode()) break;
            after = p.path("next").asText();
        }
        assertThat(keys).containsExactly("l.a", "l.c", "l.d");
        assertThat(cluster.call("kv-1", "GET", "/api/kv/default?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(cluster.call("kv-1", "GET", "/api/kv/default?limit=1001", null).statusCode()).isEqualTo(400);
        assertThat(cluster.call("kv-1", "GET", "/api/kv/nope", null).statusCode()).isEqualTo(404);
    }

    /** Opens a watch; its events (id line + data line folded into one "id|data" string) arrive in the queue. */
    private static BlockingQueue<String> watch(String node, String key, String... headers) {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cluster.port(node)
                + "/api/kv/default/" + key + "/watch")).header("Accept", "text/event-stream");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        CompletableFuture<HttpResponse<Stream<String>>> f = HTTP.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
        streams.add(f);
        f.thenAccept(r -> {
            if (r.statusCode() != 200) {
                events.add("status|" + r.statusCode());
                return;
            }
            String[] id = {null};
            r.body().forEach(line -> {
                if (line.startsWith("id:")) id[0] = line.substring(3).strip();
                else if (line.startsWith("data:")) events.add(id[0] + "|" + line.substring(5).strip());
            });
        });
        return events;
    }

    private static String next(BlockingQueue<String> events) throws InterruptedException {
        String e = events.poll(20, TimeUnit.SECONDS);
        assertThat(e).as("an event within 20 s").isNotNull();
        return e;
    }

    @Test
    void aWatchSeesAPutCoordinatedElsewhereAndAResumedWatchGetsTheCurrentValueFirst() throws Exception {
        String v1 = put("kv-1", "w", "one");
        BlockingQueue<String> live = watch("kv-1", "w");
        // without an id the current value comes first: then the watch is registered (it is, before that read)
        assertThat(next(live)).startsWith(v1 + "|").contains("\"one\"");
        String v2 = put("kv-2", "w", "two");
        String e = next(live);
        assertThat(e).startsWith(v2 + "|");
        JsonNode data = JSON.readTree(e.substring(e.indexOf('|') + 1));
        assertThat(data.path("version").asText()).isEqualTo(v2);
        assertThat(data.path("value").asText()).isEqualTo("two");
        assertThat(data.path("deleted").asBoolean()).isFalse();

        BlockingQueue<String> resumed = watch("kv-1", "w", "Last-Event-ID", v1); // misses v2: it comes first
        String first = next(resumed);
        assertThat(first).startsWith(v2 + "|").contains("\"two\"");
        assertThat(cluster.call("kv-3", "DELETE", "/api/kv/default/w", null).statusCode()).isEqualTo(200);
        String gone = next(resumed);
        assertThat(next(live)).startsWith(gone.substring(0, gone.indexOf('|') + 1)); // the first watch saw it too
        assertThat(JSON.readTree(gone.substring(gone.indexOf('|') + 1)).path("deleted").asBoolean()).isTrue();
    }

    @Test
    void aNodeServesABoundedNumberOfWatches() throws Exception {
        for (String k : List.of("b1", "b2")) {
            String v = put("kv-1", k, "x");
            assertThat(next(watch("kv-3", k))).startsWith(v + "|"); // open: its current value arrived
        }
        HttpResponse<byte[]> third = cluster.call("kv-3", "GET", "/api/kv/default/b3/watch", null, "Accept", "text/event-stream");
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(third.body()).path("type").asText()).isEqualTo("https://dsys.dev/problems/too-many-watchers");
    }
}
