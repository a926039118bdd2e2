package dsys.kv.txn.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.kv.api.KvTestAccess;
import dsys.testing.TestNodes;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkpoints of the kv replicas, live: kv-1..3 (kv-service, their {@code default} keyspace wrapped for checkpoints)
 * and txn-1 (the initiator, /api/txn/checkpoints), real HTTP between them. Keys are written, a snapshot and a
 * coordinated checkpoint taken with writes between and after; each restore brings every replica back to what it
 * held, read through every node; an independent query's recovery line is restored too.
 */
class CheckpointsLiveTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final List<String> NODES = List.of("kv-1", "kv-2", "kv-3");
    private static KvTestAccess kv;
    private static ConfigurableApplicationContext txn;
    private static int txnPort;

    @BeforeAll
    static void start() throws Exception {
        txnPort = TestNodes.freePort();
        kv = KvTestAccess.cluster(3, "dsys.links=txn-1", "dsys.peers.txn-1=http://127.0.0.1:" + txnPort);
        Path data = TestNodes.dataDir("dsys-txn-checkpoints");
        txn = new SpringApplicationBuilder(CheckpointingCoordinatorNode.class).run(TestNodes.arguments("txn-1",
                Map.of("txn-1", txnPort), data, "dsys.links=kv-1,kv-2,kv-3",
                "dsys.peers.kv-1=http://127.0.0.1:" + kv.port("kv-1"), "dsys.peers.kv-2=http://127.0.0.1:" + kv.port("kv-2"),
                "dsys.peers.kv-3=http://127.0.0.1:" + kv.port("kv-3"), "spring.application.name=txn-coordinator"));
        warmUp();
    }

    /**
     * A first write (asked again while the cold cluster times out) and a first snapshot: the nodes started one after
     * the other, and what they sent a peer not up yet was lost; the first snapshot names those losses (its colour
     * began at the start), the ones after it have only their own messages to count.
     */
    private static void warmUp() throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (kv.status("kv-1", "PUT", "warm", "up") != 200) {
            if (System.nanoTime() > end) throw new AssertionError("the cluster took no write within 30 s");
            Thread.sleep(200);
        }
        assertThat(call("POST", "/api/txn/checkpoints", "{\"algorithm\":\"snapshot\"}", false).status()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        if (txn != null) txn.close();
        if (kv != null) kv.close();
    }

    record Answer(int status, String contentType, JsonNode body) {
    }

    private static Answer call(String method, String path, String json, boolean admin) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + txnPort + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (admin) b.header("Authorization", "Bearer " + TestNodes.ADMIN_TOKEN);
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                    r.body().isEmpty() ? null : JSON.readTree(r.body()));
        } catch (Exception e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        }
    }

    private static JsonNode take(String algorithm) {
        Answer a = call("POST", "/api/txn/checkpoints", "{\"algorithm\":\"" + algorithm + "\"}", false);
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(201);
        assertThat(a.body().path("restorable").asBoolean()).as(String.valueOf(a.body())).isTrue();
        assertThat(a.body().path("nodes")).hasSize(3);
        return a.body();
    }

    private static JsonNode restore(String id) {
        Answer a = call("POST", "/api/txn/checkpoints/" + id + "/restore", null, true);
        assertThat(a.status()).as(String.valueOf(a.body())).isEqualTo(200);
        assertThat(a.body().path("pending")).isEmpty();
        assertThat(a.body().path("nodes")).hasSize(3);
        return a.body();
    }

    /** Every node reads {@code expected} (null: absent), linearizably, through its own coordinator. */
    private static void everywhere(String key, String expected) {
        for (String n : NODES) {
            if (expected == null) assertThat(kv.status(n, "GET", key, null)).as(key + " at " + n).isEqualTo(404);
            else assertThat(kv.get(n, key)).as(key + " at " + n).isEqualTo(expected);
        }
    }

    @Test
    void aSnapshotAndACoordinatedCheckpointAreRestoredOnEveryReplica() {
        kv.put("kv-1", "a", "1");
        kv.put("kv-2", "b", "1");
        JsonNode snap = take("snapshot");
        assertThat(snap.path("id").asText()).startsWith("snapshot-");
        assertThat(snap.path("complete").asBoolean()).as(snap.toString()).isTrue();
        assertThat(snap.path("algorithm").asText()).isEqualTo("snapshot");
        assertThat(snap.path("messages").path("SnapshotMarker").asInt()).isGreaterThanOrEqualTo(3);

        kv.put("kv-3", "a", "2");
        kv.put("kv-1", "c", "2");
        JsonNode coord = take("coordinated");
        assertThat(coord.path("id").asText()).startsWith("coordinated-");

        kv.put("kv-2", "a", "3");
        kv.put("kv-3", "b", "3");
        assertThat(kv.status("kv-1", "DELETE", "c", null)).isIn(200, 204);
        everywhere("a", "3");

        JsonNode r = restore(snap.path("id").asText());
        assertThat(r.path("epoch").asLong()).isPositive();
        for (JsonNode n : r.path("nodes")) {
            String node = n.path("node").asText();
            assertThat(n.path("local").asText()).isEqualTo(part(snap, node).path("local").asText());
            assertThat(n.path("digest").asText()).as(node + ": the restored storage is the recorded one").isEqualTo(part(snap, node).path("digest").asText());
        }
        everywhere("a", "1");
        everywhere("b", "1");
        everywhere("c", null);

        restore(coord.path("id").asText());
        everywhere("a", "2");
        everywhere("b", "1");
        everywhere("c", "2");

        kv.put("kv-1", "a", "4"); // the store goes on after a restore
        everywhere("a", "4");
    }

    @Test
    void anIndependentRecoveryLineIsRestored() {
        kv.put("kv-1", "i", "before");
        JsonNode line = take("independent");
        assertThat(line.path("line")).hasSize(3);
        assertThat(line.path("latest")).hasSize(3);
        kv.put("kv-2", "i", "after");
        everywhere("i", "after");
        restore(line.path("id").asText());
        everywhere("i", "before");
    }

    @Test
    void theApiAnswersProblems_andRestoreIsForAdmins() {
        Answer bad = call("POST", "/api/txn/checkpoints", "{\"algorithm\":\"chandy\"}", false);
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.contentType()).startsWith("application/problem+json");
        assertThat(bad.body().path("detail").asText()).contains("independent").contains("chandy");
        assertThat(call("POST", "/api/txn/checkpoints", null, false).status()).isEqualTo(400);

        JsonNode snap = take("snapshot");
        String id = snap.path("id").asText();
        Answer anonymous = call("POST", "/api/txn/checkpoints/" + id + "/restore", null, false);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(call("POST", "/api/txn/checkpoints/snapshot-999999/restore", null, true).status()).isEqualTo(404);
        assertThat(call("GET", "/api/txn/checkpoints/nonsense", null, false).status()).isEqualTo(404);

        Answer one = call("GET", "/api/txn/checkpoints/" + id, null, false);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.body().path("id").asText()).isEqualTo(id);
        Answer all = call("GET", "/api/txn/checkpoints", null, false);
        assertThat(all.body().path("checkpoints").findValuesAsText("id")).contains(id);

        MeterRegistry metrics = txn.getBean(MeterRegistry.class);
        assertThat(metrics.get("dsys.txn.checkpoints.taken").tag("algorithm", "snapshot").counter().count()).isPositive();
    }

    private static JsonNode part(JsonNode g, String node) {
        for (JsonNode n : g.path("nodes")) if (n.path("node").asText().equals(node)) return n;
        throw new AssertionError("no part of " + node + " in " + g);
    }
}
