package dsys.kv.api;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** {@link KvLiveCluster} for tests of other packages: a few calls on the default keyspace by REST. */
public final class KvTestAccess implements AutoCloseable {

    private final KvLiveCluster cluster;

    private KvTestAccess(KvLiveCluster cluster) {
        this.cluster = cluster;
    }

    public static KvTestAccess cluster(int n, String... extra) throws IOException {
        return new KvTestAccess(new KvLiveCluster(n, extra));
    }

    public int port(String node) {
        return cluster.port(node);
    }

    public void put(String node, String key, String value) {
        int s = status(node, "PUT", key, value);
        if (s != 200 && s != 201) throw new AssertionError("PUT " + key + " at " + node + ": " + s);
    }

    /** The value as text; AssertionError unless 200. */
    public String get(String node, String key) {
        HttpResponse<byte[]> r = cluster.call(node, "GET", "/api/kv/default/" + key, null);
        if (r.statusCode() != 200) throw new AssertionError("GET " + key + " at " + node + ": " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    /** The ETag of a linearizable read. */
    public String version(String node, String key) {
        return cluster.call(node, "GET", "/api/kv/default/" + key, null).headers().firstValue("ETag").orElse(null);
    }

    public int status(String node, String method, String key, String body) {
        return cluster.call(node, method, "/api/kv/default/" + key, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                "Content-Type", "text/plain").statusCode();
    }

    /** A bean of {@code node}'s Spring context. */
    public <T> T bean(String node, Class<T> type) {
        return cluster.bean(node, type);
    }

    /** An admin POST of a JSON body to {@code path} at {@code node}: its status. */
    public int admin(String node, String path, String json) {
        return cluster.admin(node, path, json).statusCode();
    }

    /** DELETE /api/chaos at {@code node}: its partitions, link faults and crash points cleared. */
    public int heal(String node) {
        return cluster.call(node, "DELETE", "/api/chaos", null, "Authorization", "Bearer " + dsys.testing.TestNodes.ADMIN_TOKEN).statusCode();
    }

    @Override
    public void close() {
        cluster.close();
    }
}
