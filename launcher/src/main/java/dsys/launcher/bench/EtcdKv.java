package dsys.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * etcd's KV through its JSON gateway (v3: {@code /v3/kv/put}, {@code /v3/kv/range}; a range is linearizable
 * unless it asks to be serializable). Client i talks to member i mod n, so load spreads over the cluster as the
 * gateway spreads dsys's. Cost: the members' WAL fsyncs ({@code etcd_disk_wal_fsync_duration_seconds_count}) and
 * its backend's commits ({@code etcd_disk_backend_commit_duration_seconds_count}, batched, each one more fsync) and the members' CPU time
 * ({@code process_cpu_seconds_total}); not
 * the raft messages they sent ({@code etcd_network_peer_sent_bytes_total} counts bytes, not messages, so no
 * message count).
 */
final class EtcdKv implements KvTarget {

    private final Http http;
    private final List<String> members;

    EtcdKv(Http http, List<String> members) {
        this.http = http;
        this.members = members;
    }

    @Override
    public void put(int client, String key, byte[] value) throws Exception {
        ObjectNode body = Http.JSON.createObjectNode().put("key", b64(key.getBytes(UTF_8))).put("value", b64(value));
        http.post(member(client) + "/v3/kv/put", body.toString(), null);
    }

    @Override
    public void get(int client, String key) throws Exception {
        ObjectNode body = Http.JSON.createObjectNode().put("key", b64(key.getBytes(UTF_8)));
        JsonNode r = http.post(member(client) + "/v3/kv/range", body.toString(), null);
        if (r.path("kvs").size() != 1) throw new IOException("etcd has no " + key + ": " + r);
    }

    @Override
    public void getOne(int client, String key) throws Exception {
        ObjectNode body = Http.JSON.createObjectNode().put("key", b64(key.getBytes(UTF_8))).put("serializable", true);
        JsonNode r = http.post(member(client) + "/v3/kv/range", body.toString(), null);
        if (r.path("kvs").size() != 1) throw new IOException("etcd has no " + key + ": " + r);
    }

    @Override
    public Map<String, Double> counters() throws Exception {
        double fsyncs = 0, commits = 0, cpu = 0;
        for (String m : members) {
            String prom = http.get(m + "/metrics");
            fsyncs += Http.metric(prom, "etcd_disk_wal_fsync_duration_seconds_count");
            commits += Http.metric(prom, "etcd_disk_backend_commit_duration_seconds_count");
            cpu += Http.metric(prom, "process_cpu_seconds_total");
        }
        return Map.of("fsyncs", fsyncs, "backend-commits", commits, "cpu-ms", cpu * 1000);
    }

    private String member(int client) {
        return members.get(client % members.size());
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }
}
