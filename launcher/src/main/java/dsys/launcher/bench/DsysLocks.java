package dsys.launcher.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** dsys through the gateway: acquire returns a fencing token, release hands it back. */
final class DsysLocks implements LockTarget {

    private final Http http;
    private final String base;

    DsysLocks(Http http, String gateway) {
        this.http = http;
        this.base = gateway + "/api/locks/";
    }

    @Override
    public String acquire(int client, String name) throws Exception {
        ObjectNode body = Http.JSON.createObjectNode().put("owner", "bench-" + client).put("leaseMs", 10_000).put("waitMs", 30_000);
        return http.post(base + name + "/acquire", body.toString(), null).path("fencingToken").asText();
    }

    @Override
    public void release(int client, String name, String hold) throws Exception {
        ObjectNode body = Http.JSON.createObjectNode().put("owner", "bench-" + client).put("fencingToken", Long.parseLong(hold));
        http.post(base + name + "/release", body.toString(), null);
    }
}
