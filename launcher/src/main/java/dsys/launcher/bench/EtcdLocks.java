package dsys.launcher.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * etcd's lock API through its JSON gateway (v3.4: {@code /v3/lock/lock}, {@code /v3/lock/unlock}), as
 * {@code etcdctl lock} uses it: each client holds one lease (its session) and locks under it. Client i talks to
 * member i mod n, so load spreads over the cluster as the gateway spreads dsys's.
 */
final class EtcdLocks implements LockTarget {

    private final Http http;
    private final List<String> members;
    private final Map<Integer, String> leases = new ConcurrentHashMap<>();

    EtcdLocks(Http http, List<String> members) {
        this.http = http;
        this.members = members;
    }

    private String member(int client) {
        return members.get(client % members.size());
    }

    private String lease(int client) throws Exception {
        String id = leases.get(client);
        if (id == null) {
            id = http.post(member(client) + "/v3/lease/grant", "{\"TTL\":600}", null).path("ID").asText();
            leases.put(client, id);
        }
        return id;
    }

    @Override
    public String acquire(int client, String name) throws Exception {
        ObjectNode body = Http.JSON.createObjectNode().put("name", b64(name)).put("lease", lease(client));
        return http.post(member(client) + "/v3/lock/lock", body.toString(), null).path("key").asText();
    }

    @Override
    public void release(int client, String name, String key) throws Exception {
        http.post(member(client) + "/v3/lock/unlock", Http.JSON.createObjectNode().put("key", key).toString(), null);
    }

    @Override
    public void close() throws Exception {
        for (var e : leases.entrySet()) {
            http.post(member(e.getKey()) + "/v3/lease/revoke", "{\"ID\":\"" + e.getValue() + "\"}", null);
        }
        leases.clear();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
