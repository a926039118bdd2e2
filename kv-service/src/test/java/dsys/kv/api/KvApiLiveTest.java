package dsys.kv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Three kv-service nodes over real HTTP: the default keyspace's REST contract, and a quorum surviving one crash. */
class KvApiLiveTest {

    private static KvLiveCluster cluster;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws IOException {
        cluster = new KvLiveCluster(3);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String etag(HttpResponse<?> r) {
        return r.headers().firstValue("ETag").orElseThrow(() -> new AssertionError("no ETag: " + r));
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static void assertProblem(HttpResponse<byte[]> r, int status, String slug) throws IOException {
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(r).path("type").asText()).isEqualTo("https://dsys.dev/problems/" + slug);
    }

    @Test
    void aValueWrittenThroughOneNodeIsReadThroughAnotherAsStored() throws IOException {
        HttpResponse<byte[]> put = cluster.call("kv-1", "PUT", "/api/kv/default/greeting", utf8("hello"), "Content-Type", "text/plain");
        assertThat(put.statusCode()).isEqualTo(200);
        assertThat(json(put).path("messages").path("Prepare").asInt()).isEqualTo(3);
        assertThat(etag(put)).isEqualTo("\"" + json(put).path("version").asText() + "\"");
        HttpResponse<byte[]> get = cluster.call("kv-3", "GET", "/api/kv/default/greeting", null);
        assertThat(get.statusCode()).isEqualTo(200);
        assertThat(new String(get.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(get.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(etag(get)).isEqualTo(etag(put));
        assertThat(cluster.call("kv-2", "GET", "/api/kv/default/greeting", null, "If-None-Match", etag(put)).statusCode())
                .isEqualTo(304);
        assertThat(cluster.call("kv-2", "GET", "/api/kv/default/greeting?read=quorum", null).statusCode()).isEqualTo(200);
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) binary[i] = (byte) i;
        cluster.call("kv-2", "PUT", "/api/kv/default/bytes", binary, "Content-Type", "application/octet-stream");
        assertThat(cluster.call("kv-1", "GET", "/api/kv/default/bytes", null).body()).isEqualTo(binary);
    }

    @Test
    void ifMatchIsACompareAndSet() throws IOException {
        HttpResponse<byte[]> first = cluster.call("kv-1", "PUT", "/api/kv/default/cas", utf8("1"), "If-None-Match", "*");
        assertThat(first.statusCode()).isEqualTo(200);
        assertProblem(cluster.call("kv-2", "PUT", "/api/kv/default/cas", utf8("x"), "If-None-Match", "*"), 412, "precondition-failed");
        HttpResponse<byte[]> second = cluster.call("kv-2", "PUT", "/api/kv/default/cas", utf8("2"), "If-Match", etag(first));
        assertThat(second.statusCode()).isEqualTo(200);
        HttpResponse<byte[]> stale = cluster.call("kv-3", "PUT", "/api/kv/default/cas", utf8("3"), "If-Match", etag(first));
        assertProblem(stale, 412, "precondition-failed");
        assertThat(json(stale).path("detail").asText()).contains(json(second).path("version").asText());
        assertProblem(cluster.call("kv-3", "PUT", "/api/kv/default/cas", utf8("3"), "If-Match", "nonsense"), 400, "bad-request");
    }

    @Test
    void aDeletedKeyIsGoneEverywhere() throws IOException {
        cluster.call("kv-1", "PUT", "/api/kv/default/gone", utf8("v"));
        HttpResponse<byte[]> del = cluster.call("kv-2", "DELETE", "/api/kv/default/gone", null);
        assertThat(del.statusCode()).isEqualTo(200);
        assertThat(json(del).path("deleted").asBoolean()).isTrue();
        for (String n : new String[]{"kv-1", "kv-2", "kv-3"}) {
            assertProblem(cluster.call(n, "GET", "/api/kv/default/gone", null), 404, "no-such-key");
        }
    }

    @Test
    void badRequestsAreProblems() throws IOException {
        assertProblem(cluster.call("kv-1", "GET", "/api/kv/nowhere/k", null), 404, "no-such-keyspace");
        assertProblem(cluster.call("kv-1", "GET", "/api/kv/default/k?read=eventually", null), 400, "bad-request");
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/k", null), 400, "bad-request");
    }

    @Test
    void aMajorityKeepsWorkingWhileOneNodeIsDownAndNothingWorksWithoutIt() throws IOException {
        assertThat(cluster.admin("kv-3", "/api/chaos/nodes/kv-3/crash").statusCode()).isLessThan(300);
        try {
            HttpResponse<byte[]> put = cluster.call("kv-1", "PUT", "/api/kv/default/survivor", utf8("1"));
            assertThat(put.statusCode()).isEqualTo(200);
            assertThat(cluster.admin("kv-2", "/api/chaos/nodes/kv-2/crash").statusCode()).isLessThan(300);
            HttpResponse<byte[]> alone = cluster.call("kv-1", "PUT", "/api/kv/default/survivor", utf8("2"));
            assertThat(alone.statusCode()).as(new String(alone.body(), StandardCharsets.UTF_8)).isIn(503, 504);
            assertThat(json(alone).path("type").asText()).matches("https://dsys.dev/problems/(quorum-unavailable|outcome-unknown)");
        } finally {
            cluster.admin("kv-2", "/api/chaos/nodes/kv-2/restart");
            cluster.admin("kv-3", "/api/chaos/nodes/kv-3/restart");
        }
        HttpResponse<byte[]> after = cluster.call("kv-3", "GET", "/api/kv/default/survivor", null);
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(new String(after.body(), StandardCharsets.UTF_8)).isIn("1", "2");
        JsonNode stats = json(cluster.call("kv-1", "GET", "/api/kv/stats", null));
        assertThat(stats.path("default").path("operations").path("put").path("operations").asLong()).isPositive();
    }
}
