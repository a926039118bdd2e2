package dsys.launcher.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.net.URLEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * dsys's kv store through the gateway, or straight at the kv nodes with client i on node i mod n as etcd's client
 * does with its members ({@code --via=nodes}) ({@code /api/kv/<keyspace>/{key}}: a put, a get at the keyspace's own
 * strongest level; {@code default} is the quorum mode, other keyspaces other replication modes); the cost
 * counters straight from each kv node: messages sent ({@code /api/kv/stats}) and the write-ahead log's appends and
 * fsyncs ({@code dsys_storage_*} on {@code /actuator/prometheus}), and the CPU time of the kv nodes, and of the
 * gateway when requests pass it ({@code process_cpu_time_ns_total}), which the shared host's noise changes far less
 * than ops/s.
 */
final class DsysKv implements KvTarget {

    private final Http http;
    private final String gateway;
    private final String keyspace;
    private final List<String> nodes;
    private final boolean direct;
    private final List<String> bases = new ArrayList<>();
    /** put-one: client i's node's own one-replica keyspace ({@link #preparePutOne}). */
    private final List<String> floorBases = new ArrayList<>();
    private final List<String> floorKeyspaces = new ArrayList<>();

    /** {@code direct}: each client calls one kv node (client i: node i mod n) instead of the gateway. */
    DsysKv(Http http, String gateway, List<String> nodes, String keyspace, boolean direct) {
        this.http = http;
        this.gateway = gateway;
        this.keyspace = keyspace;
        this.nodes = nodes;
        this.direct = direct;
        for (String entry : direct ? nodes : List.of(gateway)) bases.add(entry + "/api/kv/" + keyspace + "/");
    }

    private String base(int client) {
        return bases.get(client % bases.size());
    }

    @Override
    public void put(int client, String key, byte[] value) throws Exception {
        http.send(base(client) + enc(key), "PUT", "application/octet-stream", value, null);
    }

    @Override
    public void putOne(int client, String key, byte[] value) throws Exception {
        http.send(floorBases.get(client % floorBases.size()) + enc(key), "PUT", "application/octet-stream", value, null);
    }

    /**
     * Creates {@code floor-<node>} for each kv node (eventual, that node its only replica; kept as it is if it exists):
     * straight at the nodes, client i writes to its node's own keyspace, so nothing is forwarded or replicated.
     */
    @Override
    public void preparePutOne(String token) throws Exception {
        for (String n : nodes) {
            String node = Http.JSON.readTree(http.get(n + "/api/kv/node")).path("node").asText();
            String name = "floor-" + node;
            http.post(gateway + "/api/kv/keyspaces", Http.JSON.createObjectNode().put("name", name).put("mode", "eventual")
                    .set("replicas", Http.JSON.createArrayNode().add(node)).toString(), token);
            floorBases.add(n + "/api/kv/" + name + "/");
            floorKeyspaces.add(name);
        }
    }

    @Override
    public void get(int client, String key) throws Exception {
        http.get(base(client) + enc(key)); // 404 if absent: an exception
    }

    @Override
    public void getOne(int client, String key) throws Exception {
        http.get(base(client) + enc(key) + "?read=one");
    }

    @Override
    public Map<String, Double> counters() throws Exception {
        double messages = 0, fsyncs = 0, writes = 0;
        double cpuNs = direct ? 0 : Http.metric(http.get(gateway + "/actuator/prometheus"), "process_cpu_time_ns_total");
        for (String n : nodes) {
            JsonNode stats = Http.JSON.readTree(http.get(n + "/api/kv/stats"));
            for (JsonNode keyspace : stats) for (JsonNode sent : keyspace.path("sent")) messages += sent.asDouble();
            String prom = http.get(n + "/actuator/prometheus");
            fsyncs += Http.metric(prom, "dsys_storage_fsyncs_total");
            writes += Http.metric(prom, "dsys_storage_operations_total");
            cpuNs += Http.metric(prom, "process_cpu_time_ns_total");
        }
        return Map.of("messages", messages, "fsyncs", fsyncs, "storage-writes", writes, "cpu-ms", cpuNs / 1e6);
    }

    /**
     * The store keeps every key (in memory too) until it is deleted, and a deleted key's death certificate until
     * the tombstone horizon: a run's keys left behind would make every later run, and the user's platform, slower.
     * Lists the run's keys by prefix, then deletes them with 16 clients, retrying a timed-out delete.
     */
    @Override
    public long removeRun(String prefix, PrintStream out) throws Exception {
        long n = removeRun(keyspace, prefix, out);
        for (String ks : floorKeyspaces) n += removeRun(ks, prefix, out);
        return n;
    }

    private long removeRun(String keyspace, String prefix, PrintStream out) throws Exception {
        List<String> keys = new ArrayList<>();
        for (String after = null; ; ) {
            JsonNode page = Http.JSON.readTree(http.get(gateway + "/api/kv/" + keyspace + "?limit=1000&prefix=" + enc(prefix)
                    + (after == null ? "" : "&after=" + enc(after))));
            for (JsonNode k : page.path("keys")) keys.add(k.path("key").asText());
            if (page.path("next").isNull() || page.path("next").isMissingNode()) break;
            after = page.path("next").asText();
        }
        if (keys.isEmpty()) return 0;
        out.printf("cleanup: deleting the %d keys this run wrote in dsys's %s (--keep=true leaves them)%n", keys.size(), keyspace);
        long started = System.nanoTime();
        String base = gateway + "/api/kv/" + keyspace + "/";
        return Each.run("cleanup", keys.size(), 3, i -> http.send(base + enc(keys.get(i)), "DELETE", null, null, null),
                done -> out.printf("cleanup: %d of %d deleted (%.0f s)%n", done, keys.size(), (System.nanoTime() - started) / 1e9));
    }

    private static String enc(String key) {
        return URLEncoder.encode(key, UTF_8);
    }
}
