package dsys.launcher.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * dsys through the gateway: acquire returns a fencing token, release hands it back. {@link #floor} instead makes
 * each of the two a {@code GET /api/coordination/node} (which node answered), routed like {@code /api/locks} to a
 * lock node that answers without a message or a write: cheaper than a real acquire (no JSON body, no algorithm, no
 * sync), so what it reaches bounds from above what any algorithm behind the same gateway and web stack can reach.
 */
final class DsysLocks implements LockTarget {

    private final Http http;
    private final String base;
    private final String floor; // the floor's URL, or null for real locks

    private DsysLocks(Http http, String gateway, boolean floor) {
        this.http = http;
        this.base = gateway + "/api/locks/";
        this.floor = floor ? gateway + "/api/coordination/node" : null;
    }

    DsysLocks(Http http, String gateway) {
        this(http, gateway, false);
    }

    /** The floor under any lock algorithm (see above). */
    static DsysLocks floor(Http http, String gateway) {
        return new DsysLocks(http, gateway, true);
    }

    @Override
    public String acquire(int client, String name) throws Exception {
        if (floor != null) return http.get(floor);
        ObjectNode body = Http.JSON.createObjectNode().put("owner", "bench-" + client).put("leaseMs", 10_000).put("waitMs", 30_000);
        return http.post(base + name + "/acquire", body.toString(), null).path("fencingToken").asText();
    }

    @Override
    public void release(int client, String name, String hold) throws Exception {
        if (floor != null) {
            http.get(floor);
            return;
        }
        ObjectNode body = Http.JSON.createObjectNode().put("owner", "bench-" + client).put("fencingToken", Long.parseLong(hold));
        http.post(base + name + "/release", body.toString(), null);
    }
}
