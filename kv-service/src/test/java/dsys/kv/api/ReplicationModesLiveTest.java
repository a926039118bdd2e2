package dsys.kv.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dsys.kv.mode.Modes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes over HTTP: every replication mode's built-in keyspace is there at start, listed with its mode and the
 * consistency it claims, and serves the same API (put on one node, read back on every node, /replicas agreeing);
 * keyspaces of a mode are created like quorum ones, without the quorum mode's votes.
 */
class ReplicationModesLiveTest {

    private static KvLiveCluster cluster;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NODES = {"kv-1", "kv-2", "kv-3"};

    @BeforeAll
    static void start() throws IOException {
        cluster = new KvLiveCluster(3, "dsys.kv.catalog-refresh-ms=200", "dsys.kv.deadline-ms=3000", "dsys.kv.retry-ms=250");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    private static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        return JSON.readTree(r.body());
    }

    private static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    private static JsonNode keyspace(String node, String name) throws IOException {
        for (JsonNode k : json(cluster.call(node, "GET", "/api/kv/keyspaces", null)).path("keyspaces")) {
            if (k.path("name").asText().equals(name)) return k;
        }
        return null;
    }

    /** Polls until {@code node} reads {@code expected} at {@code path} (read=one: its own replica where the mode has one). */
    private static String readUntil(String node, String path, String expected) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String last = null;
        while (System.nanoTime() < end) {
            HttpResponse<byte[]> r = cluster.call(node, "GET", path + "?read=one", null);
            last = r.statusCode() + " " + text(r);
            if (r.statusCode() == 200 && text(r).equals(expected)) return text(r);
            Thread.sleep(100);
        }
        return last;
    }

    @Test
    void everyModesKeyspaceIsReadyAtStart_andServesTheSameApi() throws Exception {
        for (Modes.Mode m : Modes.all()) {
            JsonNode k = keyspace("kv-2", m.builtIn());
            assertThat(k).as(m.builtIn() + " listed").isNotNull();
            assertThat(k.path("mode").asText()).isEqualTo(m.name());
            assertThat(k.path("consistency").asText()).isEqualTo(m.model());
            String path = "/api/kv/" + m.builtIn() + "/modes-" + m.name();
            HttpResponse<byte[]> put = cluster.call("kv-1", "PUT", path, "hello".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain");
            assertThat(put.statusCode()).as(m.name() + ": " + text(put)).isEqualTo(200);
            assertThat(put.headers().firstValue("ETag")).isPresent();
            for (String n : NODES) assertThat(readUntil(n, path, "hello")).as(m.name() + " at " + n).isEqualTo("hello");
            JsonNode replicas = json(cluster.call("kv-3", "GET", path + "/replicas", null));
            assertThat(replicas.path("replicas")).as(m.name() + " /replicas: " + replicas).hasSize(3);
            assertThat(cluster.call("kv-2", "DELETE", path, null).statusCode()).isEqualTo(200);
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            int status = 0;
            while (System.nanoTime() < end && (status = cluster.call("kv-3", "GET", path + "?read=one", null).statusCode()) != 404) Thread.sleep(100);
            assertThat(status).as(m.name() + ": the delete reached kv-3").isEqualTo(404);
        }
    }

    /** The chain's roles as each node sees them: one view, the head first, the tail last, only the tail serving reads. */
    @Test
    void theChainsRolesAreShownByEveryNode() throws Exception {
        for (String n : NODES) {
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            JsonNode roles = keyspace(n, "chain").path("roles");
            while (roles.path("tail").asText().isEmpty() && System.nanoTime() < end) {
                Thread.sleep(100);
                roles = keyspace(n, "chain").path("roles");
            }
            assertThat(roles.path("chain")).as(n + ": " + roles).hasSize(3);
            assertThat(roles.path("head").asText()).isEqualTo(roles.path("chain").get(0).asText());
            assertThat(roles.path("tail").asText()).isEqualTo(roles.path("chain").get(2).asText());
            assertThat(roles.path("servingReads").asBoolean()).as(n + " serves reads only as the tail")
                    .isEqualTo(n.equals(roles.path("tail").asText()) && roles.path("servingReads").asBoolean());
        }
        assertThat(keyspace("kv-1", "default").path("roles").isMissingNode()).as("the quorum mode has no roles").isTrue();
    }

    @Test
    void aModesKeyspaceIsCreatedLikeAQuorumOne_withoutVotes() throws Exception {
        HttpResponse<byte[]> votes = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"gossip-votes\",\"mode\":\"eventual\",\"writeQuorum\":2}");
        assertThat(votes.statusCode()).as(text(votes)).isEqualTo(400);
        assertThat(json(votes).path("detail").asText()).contains("belong to the quorum mode");
        HttpResponse<byte[]> unknown = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"x\",\"mode\":\"raft\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(json(unknown).path("detail").asText()).contains("quorum", "eventual");
        HttpResponse<byte[]> builtIn = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"eventual\",\"mode\":\"eventual\"}");
        assertThat(builtIn.statusCode()).as(text(builtIn)).isEqualTo(409);

        HttpResponse<byte[]> created = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"gossip\",\"mode\":\"eventual\",\"replicas\":2}");
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        assertThat(json(created).path("mode").asText()).isEqualTo("eventual");
        assertThat(json(created).path("consistency").asText()).isEqualTo("eventual");
        assertThat(json(created).path("votes").isMissingNode()).as("no votes outside the quorum mode").isTrue();
        HttpResponse<byte[]> put = cluster.call("kv-3", "PUT", "/api/kv/gossip/k", "v".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain");
        assertThat(put.statusCode()).as(text(put)).isEqualTo(200);
        for (String n : NODES) {
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            JsonNode k = keyspace(n, "gossip");
            while (k == null && System.nanoTime() < end) {
                Thread.sleep(100);
                k = keyspace(n, "gossip");
            }
            assertThat(k).as(n + " knows the created keyspace").isNotNull();
            assertThat(k.path("mode").asText()).isEqualTo("eventual");
        }
    }

    /** Primary-backup's write mode is chosen at creation; with local writes the primary role moves to the writer. */
    @Test
    void aPrimaryBackupKeyspaceWithLocalWritesMovesItsPrimaryToTheWriter() throws Exception {
        assertThat(keyspace("kv-1", "pb").path("writeMode").asText()).as("the built-in pb keyspace").isEqualTo("remote");
        HttpResponse<byte[]> wrongMode = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"x\",\"mode\":\"chain\",\"writeMode\":\"local\"}");
        assertThat(wrongMode.statusCode()).as(text(wrongMode)).isEqualTo(400);
        assertThat(json(wrongMode).path("detail").asText()).contains("writeMode is not an option of mode 'chain'");
        HttpResponse<byte[]> wrongValue = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"x\",\"mode\":\"primary-backup\",\"writeMode\":\"near\"}");
        assertThat(wrongValue.statusCode()).as(text(wrongValue)).isEqualTo(400);
        assertThat(json(wrongValue).path("detail").asText()).contains("[remote, local]");

        HttpResponse<byte[]> created = cluster.admin("kv-1", "/api/kv/keyspaces", "{\"name\":\"pb-local\",\"mode\":\"primary-backup\",\"writeMode\":\"local\"}");
        assertThat(created.statusCode()).as(text(created)).isEqualTo(201);
        assertThat(json(created).path("writeMode").asText()).isEqualTo("local");
        assertThat(json(created).path("consistency").asText()).isEqualTo("linearizable");
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        HttpResponse<byte[]> put;
        while ((put = cluster.call("kv-3", "PUT", "/api/kv/pb-local/k", "v".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain")).statusCode() != 200
                && System.nanoTime() < end) {
            Thread.sleep(100); // until kv-3 has learned of the keyspace
        }
        assertThat(put.statusCode()).as(text(put)).isEqualTo(200);
        // a primary keeps the role for its tenure (the suspicion time) before it hands it on: meanwhile writes go remote
        JsonNode roles = keyspace("kv-3", "pb-local").path("roles");
        end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!roles.path("primary").asText().equals("kv-3") && System.nanoTime() < end) {
            put = cluster.call("kv-3", "PUT", "/api/kv/pb-local/k", "v".getBytes(StandardCharsets.UTF_8), "Content-Type", "text/plain");
            assertThat(put.statusCode()).as(text(put)).isEqualTo(200);
            roles = keyspace("kv-3", "pb-local").path("roles");
        }
        assertThat(roles.path("primary").asText()).as("kv-3 took the primary role for its writes: " + roles).isEqualTo("kv-3");
        assertThat(roles.path("backups")).hasSize(2);
        for (String n : NODES) assertThat(readUntil(n, "/api/kv/pb-local/k", "v")).as(n).isEqualTo("v");
    }
}
