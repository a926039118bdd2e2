package dsys.lock.live;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.verifier.history.HistoryRecorder;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One client thread: acquire through a random node, write to the fenced resource with the token, hold briefly,
 * release through a random node. Records every call; an unknown outcome (timeout, 503, connection refused)
 * retires the process id and its owner name, as the history rules require. A release that fails means the lease
 * will end the hold at some unknown moment: recorded as unknown ("info").
 */
final class LiveClient implements Runnable {

    static final long LEASE_MS = 1_500;
    static final long PAUSER_LEASE_MS = 300;
    private final LiveCluster cluster;
    private final HistoryRecorder rec;
    private final String lock;
    private final String name;
    private final long endNanos;
    private final SplittableRandom rnd;
    private int generation;
    private int writer;
    private final boolean pauses;
    private final long lease;
    int grants;

    /** {@code pauses}: stalls past its lease before writing, as a GC pause would; its write must be refused. */
    LiveClient(LiveCluster cluster, HistoryRecorder rec, String lock, String name, long endNanos, long seed,
               boolean pauses) {
        this.pauses = pauses;
        this.lease = pauses ? PAUSER_LEASE_MS : LEASE_MS;
        this.cluster = cluster;
        this.rec = rec;
        this.lock = lock;
        this.name = name;
        this.endNanos = endNanos;
        this.rnd = new SplittableRandom(seed);
    }

    private String process() {
        return name + "." + generation;
    }

    private String node() {
        List<String> nodes = cluster.nodes;
        return nodes.get(rnd.nextInt(nodes.size()));
    }

    @Override
    public void run() {
        while (System.nanoTime() < endNanos) {
            String owner = process();
            String at = node();
            var p = rec.invoke(owner, at, "acquire", lock, Map.of("owner", owner, "leaseMs", lease));
            LiveCluster.Reply r = cluster.post(at, "/api/locks/" + lock + "/acquire",
                    Map.of("owner", owner, "leaseMs", lease, "waitMs", 1_000));
            if (r.status() == 200) {
                long token = r.body().get("fencingToken").asLong();
                p.ok(Map.of("owner", owner, "token", token, "leaseMs", lease));
                grants++;
                use(owner, token);
                if (!release(owner, token)) generation++;
            } else if (r.status() == 409) {
                p.fail("not granted: " + text(r.body()));
            } else {
                p.info("status " + r.status() + ": " + text(r.body()));
                generation++;
            }
        }
    }

    private void use(String owner, long token) {
        if (pauses) sleep(lease + 200);
        String at = node();
        // the resource is another service: its calls are their own process, so an unknown write outcome
        // does not stop the owner from releasing the lock
        var u = rec.invoke(owner + "/w" + writer, at, "use", lock + "/resource", Map.of("token", token));
        LiveCluster.Reply r = cluster.post(at, "/api/locks/" + lock + "/fenced-write",
                Map.of("token", token, "value", owner));
        if (r.status() == 200) u.ok();
        else if (r.status() == 409) u.fail("stale token");
        else u.info("status " + r.status());
        if (r.status() != 200 && r.status() != 409) writer++;
        sleep(2 + rnd.nextInt(15));
    }

    private boolean release(String owner, long token) {
        String at = node();
        var p = rec.invoke(owner, at, "release", lock, Map.of("owner", owner, "token", token));
        LiveCluster.Reply r = cluster.post(at, "/api/locks/" + lock + "/release",
                Map.of("owner", owner, "fencingToken", token));
        if (r.status() == 200) {
            p.ok();
            return true;
        }
        p.info("status " + r.status() + ": the lease ends the hold");
        return false;
    }

    private static String text(JsonNode n) {
        return n == null ? "" : n.path("detail").asText(n.toString());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
