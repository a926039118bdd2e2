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
        // the live default deadline: a 1 MiB value is ~1.4 MB of JSON per message, slow on a loaded shared machine
        cluster = new KvLiveCluster(3, "dsys.kv.deadline-ms=3000", "dsys.kv.retry-ms=250");
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

    @Test
    void keysThatAreNotOnePathSegmentAreRefusedBeforeAnythingIsWritten() throws IOException {
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/semi;colon", utf8("x")), 400, "bad-key");
        assertProblem(cluster.call("kv-1", "GET", "/api/kv/default/semi", null), 404, "no-such-key"); // not cut to 'semi'
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/line%0Abreak", utf8("x")), 400, "bad-key");
        // Tomcat refuses an encoded '/' or '\\' before any route (Keys refuses them too, should that change)
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/back%5Cslash", utf8("x")), 400, "bad-request");
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/a%2Fb", utf8("x")), 400, "bad-request");
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/%2E%2E", utf8("x")), 400, "bad-key");
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/" + "k".repeat(1025), utf8("x")), 400, "bad-key");
        assertThat(cluster.call("kv-1", "PUT", "/api/kv/default/" + "k".repeat(1024), utf8("x")).statusCode()).isEqualTo(200);
        // anything else is a key once percent-encoded: spaces, '?', '%', non-ASCII
        String encoded = "/api/kv/default/gr%C3%BC%C3%9Fe%20%3F%25";
        assertThat(cluster.call("kv-2", "PUT", encoded, utf8("hi")).statusCode()).isEqualTo(200);
        assertThat(new String(cluster.call("kv-3", "GET", encoded, null).body(), StandardCharsets.UTF_8)).isEqualTo("hi");
    }

    @Test
    void valuesUpTo1MiBOfAnyConcreteTypeComeBackAsStored() throws IOException {
        byte[] max = new byte[1 << 20];
        new java.util.Random(1).nextBytes(max);
        HttpResponse<byte[]> big = cluster.call("kv-1", "PUT", "/api/kv/default/big", max, "Content-Type", "image/png");
        assertThat(big.statusCode()).as(new String(big.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        HttpResponse<byte[]> back = cluster.call("kv-2", "GET", "/api/kv/default/big", null);
        assertThat(back.body()).isEqualTo(max);
        assertThat(back.headers().firstValue("Content-Type")).hasValue("image/png");

        byte[] over = new byte[(1 << 20) + 1];
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/over", over), 413, "value-too-large");
        assertProblem(cluster.call("kv-1", "GET", "/api/kv/default/over", null), 404, "no-such-key");
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/big", over, "If-Match", etag(big)), 413, "value-too-large");
        assertThat(etag(cluster.call("kv-1", "GET", "/api/kv/default/big", null))).isEqualTo(etag(big));

        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/wild", utf8("x"), "Content-Type", "text/*"), 415, "unsupported-media-type");
        assertProblem(cluster.call("kv-1", "PUT", "/api/kv/default/wild", utf8("x"), "Content-Type", "not a type"), 415, "unsupported-media-type");
        assertProblem(cluster.call("kv-1", "GET", "/api/kv/default/wild", null), 404, "no-such-key");

        String doc = "{\"quote\":\"\\\"\",\"n\":1}";
        cluster.call("kv-1", "PUT", "/api/kv/default/doc", utf8(doc), "Content-Type", "application/json");
        HttpResponse<byte[]> json = cluster.call("kv-3", "GET", "/api/kv/default/doc", null, "Accept", "application/json");
        assertThat(new String(json.body(), StandardCharsets.UTF_8)).isEqualTo(doc);
        assertThat(json.headers().firstValue("Content-Type")).hasValue("application/json");
        cluster.call("kv-1", "PUT", "/api/kv/default/latin", new byte[]{(byte) 0xe9}, "Content-Type", "text/plain; charset=ISO-8859-1");
        HttpResponse<byte[]> latin = cluster.call("kv-2", "GET", "/api/kv/default/latin", null);
        assertThat(latin.body()).containsExactly((byte) 0xe9);
        assertThat(latin.headers().firstValue("Content-Type")).hasValue("text/plain;charset=ISO-8859-1");
    }
}
