package dsys.kv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes over HTTP: keyspaces created through one node and known to every node (also one stopped at the
 * time), the quorum rules as 400s, and /replicas showing divergence. Anti-entropy is slowed down here so that a
 * replica that missed a write stays behind long enough to be seen.
 */
class KeyspacesAndReplicasLiveTest {

    private static KvLiveCluster cluster;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NODES = {"kv-1", "kv-2", "kv-3"};

    @BeforeAll
    static void start() throws IOException {
        cluster = new KvLiveCluster(3, "dsys.kv.anti-entropy-ms=600000", "dsys.kv.catalog-refresh-ms=200",
                "dsys.kv.deadline-ms=3000", "dsys.kv.retry-ms=250"); // live timings: the shared machine is loaded
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static void assertProblem(HttpResponse<byte[]> r, int status, String slug) throws IOException {
        assertThat(r.statusCode()).as(text(r)).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json(r).path("type").asText()).isEqualTo("https://dsys.dev/problems/" + slug);
    }

    private static List<String> names(HttpResponse<byte[]> list) throws IOException {
        List<String> n = new ArrayList<>();
        json(list).path("keyspaces").forEach(k -> n.add(k.path("name").asText()));
        return n;
    }

    @Test
    void aConfigurationThatBreaksAQuorumRuleIsA400NamingTheRule() throws IOException {
        HttpResponse<byte[]> overlap = cluster.admin("kv-2", "/api/kv/keyspaces",
                "{\"name\":\"thin\",\"replicas\":3,\"readQuorum\":1,\"writeQuorum\":2}");
        assertProblem(overlap, 400, "quorum-rule-broken");
        assertThat(json(overlap).path("detail").asText()).startsWith("V_r + V_w > V is broken");
        HttpResponse<byte[]> split = cluster.admin("kv-2", "/api/kv/keyspaces",
                "{\"name\":\"split\",\"votes\":{\"kv-1\":2,\"kv-2\":1,\"kv-3\":1},\"readQuorum\":3,\"writeQuorum\":2}");
        assertProblem(split, 400, "quorum-rule-broken");
        assertThat(json(split).path("detail").asText()).startsWith("V_w > V/2 is broken");
        assertProblem(cluster.admin("kv-2", "/api/kv/keyspaces", "{\"name\":\"far\",\"replicas\":[\"kv-1\",\"kv-9\"]}"),
                400, "bad-request");
        assertProblem(cluster.admin("kv-2", "/api/kv/keyspaces", "{\"name\":\"system\"}"), 400, "bad-request");
        assertProblem(cluster.admin("kv-2", "/api/kv/keyspaces", "{\"name\":\"chained\",\"mode\":\"raft\"}"), 400, "bad-request");
        assertProblem(cluster.call("kv-2", "POST", "/api/kv/keyspaces", utf8("{\"name\":\"open\"}"),
                "Content-Type", "application/json"), 401, "unauthorized");
        for (String n : NODES) assertThat(names(cluster.call(n, "GET", "/api/kv/keyspaces", null))).doesNotContain("thin", "split", "far", "open");
    }

    @Test
    void aKeyspaceCreatedThroughOneNodeIsKnownToEveryNode() throws IOException {
        // write-all (V_w = V = 3): a write through kv-2 needs kv-3's replica too, which kv-3 starts on its own
        HttpResponse<byte[]> created = cluster.admin("kv-1", "/api/kv/keyspaces",
                "{\"name\":\"all\",\"replicas\":[\"kv-1\",\"kv-2\",\"kv-3\"],\"readQuorum\":1,\"writeQuorum\":3}");
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        assertThat(json(created).path("totalVotes").asInt()).isEqualTo(3);
        HttpResponse<byte[]> put = cluster.call("kv-2", "PUT", "/api/kv/all/k", utf8("v1"), "Content-Type", "text/plain");
        assertThat(put.statusCode()).as(text(put)).isEqualTo(200);
        String version = json(put).path("version").asText();
        // V_w = 3: all three replicas accepted it (a retransmission under load may add answers to the count)
        assertThat(json(put).path("messages").path("Accepted").asInt()).isGreaterThanOrEqualTo(3);
        JsonNode replicas = json(cluster.call("kv-3", "GET", "/api/kv/all/k/replicas", null));
        assertThat(replicas.path("replicas")).hasSize(3).allSatisfy(r -> assertThat(r.path("version").asText()).isEqualTo(version));
        for (String n : NODES) {
            HttpResponse<byte[]> list = cluster.call(n, "GET", "/api/kv/keyspaces", null);
            assertThat(json(list).path("agreed").asBoolean()).isTrue();
            assertThat(names(list)).contains("default", "all").doesNotContain("system");
            HttpResponse<byte[]> get = cluster.call(n, "GET", "/api/kv/all/k?read=one", null);
            assertThat(text(get)).isEqualTo("v1");
        }
        // the same again is answered 200 (it exists as asked); another configuration under the name is a 409
        HttpResponse<byte[]> again = cluster.admin("kv-3", "/api/kv/keyspaces",
                "{\"name\":\"all\",\"replicas\":[\"kv-1\",\"kv-2\",\"kv-3\"],\"readQuorum\":1,\"writeQuorum\":3}");
        assertThat(again.statusCode()).as(text(again)).isEqualTo(200);
        assertThat(json(again).path("created").asBoolean()).isFalse();
        assertProblem(cluster.admin("kv-3", "/api/kv/keyspaces", "{\"name\":\"all\"}"), 409, "keyspace-exists");
        assertProblem(cluster.admin("kv-3", "/api/kv/keyspaces", "{\"name\":\"default\"}"), 409, "keyspace-exists");
        assertProblem(cluster.call("kv-3", "GET", "/api/kv/never-made/k", null), 404, "no-such-keyspace");
    }

    @Test
    void aNodeStoppedWhileAKeyspaceWasCreatedKnowsItWhenItComesBack() throws IOException {
        cluster.stop("kv-3");
        try {
            HttpResponse<byte[]> created = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"late\",\"readQuorum\":2,\"writeQuorum\":2}");
            assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
            assertThat(cluster.call("kv-2", "PUT", "/api/kv/late/k", utf8("while-away")).statusCode()).isEqualTo(200);
        } finally {
            cluster.start("kv-3");
        }
        HttpResponse<byte[]> read = cluster.call("kv-3", "GET", "/api/kv/late/k", null);
        assertThat(read.statusCode()).as(text(read)).isEqualTo(200);
        assertThat(text(read)).isEqualTo("while-away");
        assertThat(names(cluster.call("kv-3", "GET", "/api/kv/keyspaces", null))).contains("late");
    }

    @Test
    void replicasShowWhatEachHoldsAndWhoIsBehind() throws IOException {
        HttpResponse<byte[]> first = cluster.call("kv-1", "PUT", "/api/kv/default/spread", utf8("one"), "Content-Type", "text/plain");
        assertThat(first.statusCode()).isEqualTo(200);
        String v1 = json(first).path("version").asText();
        JsonNode same = json(cluster.call("kv-2", "GET", "/api/kv/default/spread/replicas", null));
        assertThat(same.path("divergent").asBoolean()).as(same.toString()).isFalse();
        assertThat(same.path("newest").asText()).isEqualTo(v1);
        assertThat(same.path("replicas")).hasSize(3);
        for (JsonNode r : same.path("replicas")) {
            assertThat(r.path("state").asText()).isEqualTo("value");
            assertThat(r.path("version").asText()).isEqualTo(v1);
            assertThat(r.path("value").asText()).isEqualTo("one");
            assertThat(r.path("contentType").asText()).isEqualTo("text/plain");
        }
        assertThat(same.path("messages").path("Read").asInt()).isEqualTo(2); // the surveying node's own replica is read locally

        // kv-3 hears nothing from kv-1 (both ends told): kv-1's next write reaches kv-1 and kv-2 only
        String drop = "{\"from\":\"kv-1\",\"to\":\"kv-3\",\"dropRate\":1.0}";
        cluster.call("kv-1", "POST", "/api/chaos/links", utf8(drop), "Authorization", "Bearer " + KvLiveCluster.TOKEN, "Content-Type", "application/json");
        cluster.call("kv-3", "POST", "/api/chaos/links", utf8(drop), "Authorization", "Bearer " + KvLiveCluster.TOKEN, "Content-Type", "application/json");
        String v2;
        try {
            HttpResponse<byte[]> second = cluster.call("kv-1", "PUT", "/api/kv/default/spread", utf8("two"), "Content-Type", "text/plain");
            assertThat(second.statusCode()).as(text(second)).isEqualTo(200);
            v2 = json(second).path("version").asText();
        } finally {
            for (String n : NODES) cluster.call(n, "DELETE", "/api/chaos", null, "Authorization", "Bearer " + KvLiveCluster.TOKEN);
        }
        JsonNode apart = json(cluster.call("kv-2", "GET", "/api/kv/default/spread/replicas", null));
        assertThat(apart.path("divergent").asBoolean()).as(apart.toString()).isTrue();
        assertThat(apart.path("newest").asText()).isEqualTo(v2);
        JsonNode kv3 = apart.path("replicas").get(2);
        assertThat(kv3.path("node").asText()).isEqualTo("kv-3");
        assertThat(kv3.path("version").asText()).isEqualTo(v1);
        assertThat(kv3.path("value").asText()).isEqualTo("one");
        assertThat(kv3.path("behind").asBoolean()).isTrue();
        assertThat(apart.path("replicas").get(0).path("value").asText()).isEqualTo("two");

        // a delete shows as tombstones; a node that does not answer is named
        assertThat(cluster.call("kv-2", "DELETE", "/api/kv/default/spread", null).statusCode()).isEqualTo(200);
        assertThat(cluster.admin("kv-3", "/api/chaos/nodes/kv-3/crash").statusCode()).isLessThan(300);
        JsonNode gone;
        try {
            gone = json(cluster.call("kv-1", "GET", "/api/kv/default/spread/replicas", null));
        } finally {
            cluster.admin("kv-3", "/api/chaos/nodes/kv-3/restart");
        }
        assertThat(gone.path("replicas").get(0).path("state").asText()).isEqualTo("tombstone");
        assertThat(gone.path("replicas").get(1).path("state").asText()).isEqualTo("tombstone");
        assertThat(gone.path("replicas").get(2).path("state").asText()).isEqualTo("no-answer");
        assertThat(gone.path("divergent").asBoolean()).isTrue();
        assertProblem(cluster.call("kv-1", "GET", "/api/kv/nowhere/k/replicas", null), 404, "no-such-keyspace");
    }
}
