package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;

/**
 * Primary-based replication (副本与一致性 §4.3.2.1, 基于主备份的协议): remote write — a write sent to a backup is
 * forwarded to the primary, which updates every backup before acknowledging and answers every read; the primary
 * crashes, the survivors agree on a new one within seconds, nothing acknowledged lost, and the old one comes back as
 * a backup; local write — the primary role moves to the node where the writes happen.
 */
final class PrimaryBackupDemo implements Demo {

    private static final String KS = "pb", LOCAL = "pb-local";
    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        String key = "demo-" + run, path = "/api/kv/" + KS + "/" + key;
        say.console("Key-value (keyspace pb, key " + key + ", 'read every replica') and the space-time diagram "
                + "(filter WriteForward, Update, UpdateAck)");

        say.step("Remote write: the primary updates every backup, then acknowledges (副本与一致性 §4.3.2.1)");
        say.why("副本与一致性 §4.3.2.1", "one replica is the primary of the data item: a write sent to any replica is forwarded to it "
                + "(远程写), it orders the write, sends it to every backup at once and acknowledges only once all of them hold "
                + "it. Reads are answered by the primary too, so every client sees one copy: linearizable.");
        JsonNode roles = settled(s, KS);
        if (!say.check(roles.path("backups").size() == 2, "the roles as kv-1 sees them: " + describe(roles)
                + " (GET /api/kv/keyspaces, roles)")) return;
        String primary = roles.path("primary").asText(), backup = roles.path("backups").get(1).asText();
        Api.Answer w = api.putText(path, "v1", "X-Dsys-Node", backup);
        say.call("PUT " + path + " v1 at the backup " + backup, w, w.ok() ? "version " + w.field("version") + ", messages "
                + w.json().path("messages") : w.detail());
        if (!say.check(w.ok() && w.json().path("messages").has("WriteForward"),
                backup + " forwarded the write to the primary " + primary + " (a WriteForward), which acknowledged it")) return;
        say.check(ChainDemo.everyReplicaHolds(api, path, "v1"), "every replica holds v1 (GET " + path + "/replicas)");
        Api.Answer r = api.get(path, "X-Dsys-Node", backup);
        say.call("GET " + path + " at the backup " + backup, r, r.ok() ? "\"" + r.text() + "\", " + r.reply().header("X-Dsys-Messages")
                + " messages: " + backup + " asked the primary" : r.detail());
        say.check(r.ok() && r.text().equals("v1"), "a read is answered by the primary, wherever it is sent");

        say.step("The primary crashes: the backups agree on a new one");
        say.why("副本与一致性 §4.3.2.1", "a replica that misses 4 heartbeats (4 × 250 ms) is suspected and a majority agrees on the "
                + "next view (epoch + 1). Each backup holds a prefix of the primary's writes, so the promiser holding the most "
                + "becomes primary: it has every acknowledged write, and no backup keeps a write the new primary lacks.");
        Faults.Fault crash = Chaos.crash(s, primary);
        double back = ChainDemo.writeUntilServed(say, api, path, "v2", "X-Dsys-Node", backup);
        say.check(back > 0 && back <= 3, String.format(Locale.ROOT, "writes are served again %.2f s after the primary crashed "
                + "(the target is 2 s: 4 missed heartbeats of 250 ms, then one round of agreement)", back));
        JsonNode after = ChainDemo.roles(s, KS, backup);
        say.check(!after.path("primary").asText().equals(primary) && !after.path("backups").toString().contains(primary)
                && after.path("epoch").asLong() > roles.path("epoch").asLong(), "the roles as " + backup + " sees them now: " + describe(after));
        Api.Answer v2 = api.get(path, "X-Dsys-Node", backup);
        say.call("GET " + path, v2, v2.ok() ? "\"" + v2.text() + "\"" : v2.detail());
        say.check(v2.ok() && v2.text().equals("v2"), "nothing acknowledged was lost: the new primary answers v2");

        say.step("The old primary comes back as a backup");
        crash.heal();
        say.say(primary + " restarted (POST /api/chaos/nodes/" + primary + "/restart)");
        say.why("副本与一致性 §4.3.2.1", "a returning replica erases its copy (it may hold writes nobody acknowledged), copies the "
                + "primary's keys and asks to join; the next view adds it as a backup.");
        long t1 = System.nanoTime();
        JsonNode joined = ChainDemo.roles(s, KS, backup);
        while (!joined.path("backups").toString().contains(primary) && System.nanoTime() - t1 < 30_000_000_000L) {
            Thread.sleep(250);
            joined = ChainDemo.roles(s, KS, backup);
        }
        say.check(joined.path("backups").toString().contains(primary), String.format(Locale.ROOT, "%.1f s later: %s",
                (System.nanoTime() - t1) / 1e9, describe(joined)));
        Api.Answer own = api.get(path + "?read=one", "X-Dsys-Node", primary);
        say.call("GET " + path + "?read=one at " + primary + " (its own copy)", own, own.ok() ? "\"" + own.text() + "\"" : own.detail());
        say.check(own.ok() && own.text().equals("v2"), primary + " copied what it missed: v2");
        api.delete(path);

        localWrite(s, key);
    }

    /** Local write: a keyspace {mode primary-backup, writeMode local}; writes at one node pull the primary role there. */
    private static void localWrite(Stage s, String key) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        String path = "/api/kv/" + LOCAL + "/" + key;
        say.step("Local write: the primary role moves to where the writes are");
        say.why("副本与一致性 §4.3.2.1", "in the local-write protocol (本地写) the primary copy migrates to the process that wants to "
                + "update it, so a run of writes there needs no remote round trip. The old primary stops taking writes, waits "
                + "until every backup holds all it has, and proposes the next view with the writer first. It keeps the role "
                + "for a tenure (1 s) before handing it on, so two writers do not pass it back and forth on every write; "
                + "meanwhile their writes go to it (remote write).");
        Api.Answer created = api.admin("POST", "/api/kv/keyspaces", Map.of("name", LOCAL, "mode", "primary-backup", "writeMode", "local"));
        say.call("POST /api/kv/keyspaces {name: pb-local, mode: primary-backup, writeMode: local}", created, created.ok()
                ? (created.status() == 201 ? "created" : "there already") : created.detail());
        if (!say.check(created.ok(), "the keyspace exists")) return;
        for (String writer : new String[]{"kv-3", "kv-2"}) {
            long t0 = System.nanoTime();
            int writes = 0;
            JsonNode roles = ChainDemo.roles(s, LOCAL, writer);
            while (!writer.equals(roles.path("primary").asText()) && System.nanoTime() - t0 < 15_000_000_000L) {
                Api.Answer w = api.putText(path, "at-" + writer + "-" + ++writes, "X-Dsys-Node", writer);
                if (!w.ok()) Thread.sleep(100);
                roles = ChainDemo.roles(s, LOCAL, writer);
            }
            if (!say.check(writer.equals(roles.path("primary").asText()), String.format(Locale.ROOT,
                    "after %d write(s) at %s (%.1f s): %s", writes, writer, (System.nanoTime() - t0) / 1e9, describe(roles)))) return;
            Api.Answer local = api.putText(path, "local-" + writer, "X-Dsys-Node", writer);
            say.call("PUT " + path + " at " + writer, local, local.ok() ? "messages " + local.json().path("messages") : local.detail());
            say.check(local.ok() && !local.json().path("messages").has("WriteForward"),
                    "the write was taken where it arrived: no WriteForward (messages counts the client's hops; the "
                            + "updates to the backups are the primary's own)");
        }
        api.delete(path);
    }

    /**
     * The roles once every node names the same view of all three replicas, unchanged for 2 s (30 s at most): right
     * after start-up a busy node can miss heartbeats, and a view change in the middle of the first write would answer
     * it 504 (its outcome unknown), which is correct but not what this step shows.
     */
    private static JsonNode settled(Stage s, String ks) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L, since = System.nanoTime();
        JsonNode last = ChainDemo.roles(s, ks, "kv-1");
        while (System.nanoTime() < end) {
            Thread.sleep(250);
            JsonNode now = ChainDemo.roles(s, ks, "kv-1");
            boolean same = now.path("epoch").equals(last.path("epoch")) && now.path("backups").size() == 2;
            for (String n : new String[]{"kv-2", "kv-3"}) same &= ChainDemo.roles(s, ks, n).path("epoch").equals(now.path("epoch"));
            if (!same) since = System.nanoTime();
            else if (System.nanoTime() - since >= 2_000_000_000L) return now;
            last = now;
        }
        return last;
    }

    private static String describe(JsonNode roles) {
        return "primary " + roles.path("primary").asText() + ", backups " + roles.path("backups") + " (epoch "
                + roles.path("epoch").asLong() + ")";
    }
}
