package dsys.launcher.bench;

/**
 * The floor under any lock algorithm: an "acquire" and a "release" that are two requests through the gateway to a
 * lock node ({@code GET /api/coordination/node}, which node answered) that answers without a message or a write.
 * Cheaper than a real acquire (no JSON body to read, no algorithm, no sync), so what it reaches bounds from above what
 * any algorithm behind the same gateway and web stack can reach.
 */
final class DsysLockFloor implements LockTarget {

    private final Http http;
    private final String url;

    DsysLockFloor(Http http, String gateway) {
        this.http = http;
        this.url = gateway + "/api/coordination/node";
    }

    @Override
    public String acquire(int client, String name) throws Exception {
        return http.get(url);
    }

    @Override
    public void release(int client, String name, String hold) throws Exception {
        http.get(url);
    }
}
