package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Chain replication (副本与一致性 §4.3.1, 链式复制): a write enters at the head and is acknowledged by the tail, reads
 * are answered by the tail; the head crashes, the survivors agree on a shorter chain and writes go on; nothing
 * acknowledged is lost; the crashed node comes back and joins at the tail.
 */
final class ChainDemo implements Demo {

    private static final String KS = "chain";
    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        String key = "demo-" + run, path = "/api/kv/" + KS + "/" + key;
        s.say().console("Key-value (keyspace chain, key " + key + ", 'read every replica') and the space-time diagram "
                + "(filter WriteForward, WriteDone, Heartbeat)");

        say.step("A write enters at the head and is acknowledged by the tail (副本与一致性 §4.3.1)");
        say.why("副本与一致性 §4.3.1", "the replicas form a chain; the head orders every write and passes it down, each replica "
                + "stores it before passing it on, and the tail acknowledges it. An acknowledged write is thus at every "
                + "replica, and the tail, which answers the reads, never shows a write some replica lacks.");
        JsonNode roles = roles(s);
        if (!say.check(roles.path("chain").size() == 3, "the chain as kv-1 sees it: " + chain(roles) + " (GET /api/kv/keyspaces, roles)")) return;
        String head = roles.path("head").asText(), tail = roles.path("tail").asText();
        Api.Answer w = api.putText(path, "v1");
        say.call("PUT " + path + " v1", w, w.ok() ? "version " + w.field("version") + ", messages " + w.json().path("messages") : w.detail());
        if (!say.check(w.ok(), "acknowledged once the tail had it")) return;
        say.check(everyReplicaHolds(api, path, "v1"), "every replica holds v1 (GET " + path + "/replicas)");
        Api.Answer r = api.get(path, "X-Dsys-Node", head);
        say.call("GET " + path + " at the head " + head, r, r.ok() ? "\"" + r.text() + "\", " + r.reply().header("X-Dsys-Messages")
                + " messages: " + head + " asked the tail " + tail : r.detail());
        say.check(r.ok() && r.text().equals("v1"), "a read is answered by the tail, wherever it is sent");

        say.step("The head crashes: the others agree on a chain without it");
        say.why("副本与一致性 §4.3.1", "a replica that misses 4 heartbeats (4 × 250 ms) is suspected; the first replica that "
                + "does not suspect anyone proposes the next view (epoch + 1) to all, and a majority must promise it, so two "
                + "partitions cannot both make a chain. The new chain keeps the old order without the crashed node: its "
                + "new head already holds every acknowledged write. The tail answers reads only under a lease a majority "
                + "granted, so an old tail cut off from the others stops before a new one starts.");
        Faults.Fault crash = Chaos.crash(s, head);
        double back = writeUntilServed(say, api, path, "v2");
        say.check(back > 0 && back <= 3, String.format(Locale.ROOT, "writes are served again %.2f s after the head crashed "
                + "(the target is 2 s: 4 missed heartbeats of 250 ms, then one round of agreement)", back));
        JsonNode after = roles(s, tail);
        say.check(!after.path("chain").toString().contains(head) && after.path("epoch").asLong() > roles.path("epoch").asLong(),
                "the chain as " + tail + " sees it now: " + chain(after) + ", without " + head);
        Api.Answer v2 = api.get(path);
        say.call("GET " + path, v2, v2.ok() ? "\"" + v2.text() + "\"" : v2.detail());
        say.check(v2.ok() && v2.text().equals("v2"), "nothing acknowledged was lost: the new tail answers v2");

        say.step("The crashed node comes back and joins at the tail");
        crash.heal();
        say.say(head + " restarted (POST /api/chaos/nodes/" + head + "/restart)");
        say.why("副本与一致性 §4.3.1", "a returning replica erases its copy, copies the tail's keys, and asks to join; the next "
                + "view appends it at the tail, and the old tail sends it what changed during the copy before it serves reads.");
        long t1 = System.nanoTime();
        JsonNode joined = roles(s, tail);
        while (!head.equals(joined.path("tail").asText()) && System.nanoTime() - t1 < 30_000_000_000L) {
            Thread.sleep(250);
            joined = roles(s, tail);
        }
        say.check(head.equals(joined.path("tail").asText()), String.format(Locale.ROOT, "%.1f s later the chain is %s: %s is the tail",
                (System.nanoTime() - t1) / 1e9, chain(joined), head));
        Api.Answer own = api.get(path + "?read=one", "X-Dsys-Node", head);
        say.call("GET " + path + "?read=one at " + head + " (its own copy)", own, own.ok() ? "\"" + own.text() + "\"" : own.detail());
        say.check(own.ok() && own.text().equals("v2"), head + " copied what it missed: v2");
        api.delete(path);
    }

    private static JsonNode roles(Stage s) {
        return roles(s, KS, "kv-1");
    }

    private static JsonNode roles(Stage s, String node) {
        return roles(s, KS, node);
    }

    /** Keyspace {@code ks}'s roles as {@code node} sees them (GET /api/kv/keyspaces). */
    static JsonNode roles(Stage s, String ks, String node) {
        for (JsonNode k : s.api().get("/api/kv/keyspaces", "X-Dsys-Node", node).json().path("keyspaces")) {
            if (k.path("name").asText().equals(ks)) return k.path("roles");
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String chain(JsonNode roles) {
        List<String> c = new ArrayList<>();
        roles.path("chain").forEach(n -> c.add(n.asText()));
        return String.join(" → ", c) + " (epoch " + roles.path("epoch").asLong() + ")";
    }

    /**
     * Sends PUT {@code path} {@code value} every 50 ms from now (a fault just struck) until one is acknowledged, 15 s at
     * most, and says how long it took: the seconds, or -1 when none was.
     */
    static double writeUntilServed(Narrator say, Api api, String path, String value, String... headers) throws InterruptedException {
        long t0 = System.nanoTime();
        double back = -1;
        int refused = 0;
        while (System.nanoTime() - t0 < 15_000_000_000L) {
            if (api.putText(path, value, headers).ok()) {
                back = (System.nanoTime() - t0) / 1e9;
                break;
            }
            refused++;
            Thread.sleep(50);
        }
        say.say(String.format(Locale.ROOT, "PUT %s %s, sent every 50 ms from the crash on: acknowledged after %.2f s (%d refused before)",
                path, value, back, refused));
        return back;
    }

    /** Polls {@code path}/replicas until all three replicas hold {@code value} (10 s at most). */
    static boolean everyReplicaHolds(Api api, String path, String value) throws InterruptedException {
        for (int i = 0; i < 40; i++) {
            JsonNode reps = api.get(path + "/replicas").json().path("replicas");
            boolean all = reps.size() == 3;
            for (JsonNode r : reps) all &= value.equals(r.path("value").asText());
            if (all) return true;
            Thread.sleep(250);
        }
        return false;
    }
}
