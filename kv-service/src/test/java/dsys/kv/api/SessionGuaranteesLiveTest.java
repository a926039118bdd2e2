package dsys.kv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.kv.eventual.Session;
import dsys.kv.quorum.Ballot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Session guarantees over HTTP on three nodes: every read and write returns X-Dsys-Session (the versions the
 * session saw), an unknown guarantee or a forged token is a 400, and a session that writes at one node and at once
 * reads at the next with read-your-writes gets its own value or a 503, never the value before.
 */
class SessionGuaranteesLiveTest {

    private static KvLiveCluster cluster;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NODES = {"kv-1", "kv-2", "kv-3"};

    @BeforeAll
    static void start() throws IOException {
        cluster = new KvLiveCluster(3, "dsys.kv.catalog-refresh-ms=200", "dsys.kv.deadline-ms=1500", "dsys.kv.retry-ms=250");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static String token(HttpResponse<byte[]> r) {
        return r.headers().firstValue(SessionTokens.SESSION).orElseThrow(() -> new AssertionError("no token: " + r));
    }

    private static Ballot etag(HttpResponse<byte[]> r) {
        return Ballot.parse(r.headers().firstValue("ETag").orElseThrow().replace("\"", ""));
    }

    @Test
    void everyReadAndWriteReturnsTheSessionsVersions() {
        HttpResponse<byte[]> put = cluster.call("kv-1", "PUT", "/api/kv/eventual/t1", "one".getBytes(), "Content-Type", "text/plain");
        assertThat(put.statusCode()).isEqualTo(200);
        Session s = SessionTokens.decode(token(put));
        assertThat(s.written("eventual", "t1")).isEqualTo(etag(put));

        HttpResponse<byte[]> get = cluster.call("kv-1", "GET", "/api/kv/default/t1-absent-then-put", null);
        assertThat(get.statusCode()).isEqualTo(404);
        HttpResponse<byte[]> lin = cluster.call("kv-2", "PUT", "/api/kv/default/t1", "q".getBytes(), "Content-Type", "text/plain",
                SessionTokens.SESSION, token(put), SessionTokens.GUARANTEES, "read-your-writes, monotonic-writes");
        assertThat(lin.statusCode()).as("linearizable keyspaces meet them anyway: %s", text(lin)).isEqualTo(200);
        HttpResponse<byte[]> read = cluster.call("kv-3", "GET", "/api/kv/default/t1", null,
                SessionTokens.SESSION, token(lin), SessionTokens.GUARANTEES, "monotonic-reads");
        assertThat(read.statusCode()).isEqualTo(200);
        Session merged = SessionTokens.decode(token(read));
        assertThat(merged.written("eventual", "t1")).as("the token merges what came before").isEqualTo(etag(put));
        assertThat(merged.written("default", "t1")).isEqualTo(etag(lin));
        assertThat(merged.read("default", "t1")).isEqualTo(etag(read));

        HttpResponse<byte[]> same = cluster.call("kv-3", "GET", "/api/kv/default/t1", null,
                "If-None-Match", "\"" + etag(read) + "\"", SessionTokens.SESSION, token(read));
        assertThat(same.statusCode()).isEqualTo(304);
        assertThat(SessionTokens.decode(token(same)).read("default", "t1")).isEqualTo(etag(read));
        HttpResponse<byte[]> del = cluster.call("kv-2", "DELETE", "/api/kv/eventual/t1", null,
                SessionTokens.SESSION, token(same), SessionTokens.GUARANTEES, "monotonic-writes,writes-follow-reads");
        assertThat(del.statusCode()).as(text(del)).isEqualTo(200);
        Ballot gone = SessionTokens.decode(token(del)).written("eventual", "t1");
        assertThat(gone.isAfter(etag(put))).as("the delete is ordered after the session's put").isTrue();
    }

    @Test
    void unknownGuaranteesAndForgedTokensAre400() throws IOException {
        HttpResponse<byte[]> bad = cluster.call("kv-1", "GET", "/api/kv/eventual/t2", null,
                SessionTokens.GUARANTEES, "monotonic-reads, read-my-mind");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        JsonNode p = JSON.readTree(bad.body());
        assertThat(p.path("detail").asText()).contains("read-my-mind", "monotonic-reads", "monotonic-writes",
                "read-your-writes", "writes-follow-reads");
        HttpResponse<byte[]> forged = cluster.call("kv-1", "GET", "/api/kv/eventual/t2", null,
                SessionTokens.SESSION, "not-a-token!");
        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(text(forged)).contains(SessionTokens.SESSION);
    }

    @Test
    void readYourWritesAtAnotherNodeNeverReturnsTheOldValue() throws IOException {
        String token = null;
        int served = 0;
        for (int i = 0; i < 10; i++) {
            String writer = NODES[i % 3], reader = NODES[(i + 1) % 3];
            String[] headers = token == null ? new String[]{"Content-Type", "text/plain"}
                    : new String[]{"Content-Type", "text/plain", SessionTokens.SESSION, token};
            HttpResponse<byte[]> put = cluster.call(writer, "PUT", "/api/kv/eventual/ryw", ("v" + i).getBytes(), headers);
            assertThat(put.statusCode()).as(text(put)).isEqualTo(200);
            token = token(put);
            HttpResponse<byte[]> get = cluster.call(reader, "GET", "/api/kv/eventual/ryw", null,
                    SessionTokens.SESSION, token, SessionTokens.GUARANTEES, "read-your-writes");
            if (get.statusCode() == 503) {
                assertThat(JSON.readTree(get.body()).path("type").asText()).endsWith("session-guarantee-unavailable");
                assertThat(text(get)).contains("read-your-writes");
                continue;
            }
            assertThat(get.statusCode()).as(text(get)).isEqualTo(200);
            assertThat(text(get)).as("read %d at %s after writing at %s", i, reader, writer).isEqualTo("v" + i);
            assertThat(etag(get)).isEqualTo(etag(put));
            token = token(get);
            served++;
        }
        assertThat(served).as("the replicas catch up within the wait").isPositive();
    }
}
