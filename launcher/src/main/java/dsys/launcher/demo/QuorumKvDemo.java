package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The quorum key-value store (notes 副本与一致性 §4.3.2.2.2): Gifford's two rules, weighted votes under a partition,
 * a stale read at {@code read=one} beside a linearizable read, anti-entropy catching the stale replica up (通信
 * §4.4.2.1.1), a compare-and-set refused with 412, and a delete that leaves a death certificate (通信 §4.4.3).
 */
final class QuorumKvDemo implements Demo {

    /** Keyspaces cannot be dropped: every run uses this one (created the first time, found the same afterwards). */
    static final String WEIGHTED = "demo-votes";
    private static final Map<String, Integer> VOTES = Map.of("kv-1", 2, "kv-2", 1, "kv-3", 1);
    private static final List<List<String>> KV1_ALONE = List.of(List.of("kv-1"), List.of("kv-2", "kv-3"));
    private static final long CONVERGE_NS = 20_000_000_000L;

    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);

    @Override
    public void run(Stage s) throws Exception {
        s.say().console("Key-value (key " + "demo-" + run + ", 'read every replica' marks the stale one), Chaos (the "
                + "partition in force) and the space-time diagram (filter Prepare, Accept, Read, Learn)");
        gifford(s);
        weighted(s);
        String key = "demo-" + run;
        if (!staleRead(s, key)) return;
        converge(s, key);
        compareAndSet(s, key);
        deathCertificate(s, key);
    }

    private void gifford(Stage s) {
        Narrator say = s.say();
        say.step("Gifford's weighted voting: which quorums are allowed (副本与一致性 §4.3.2.2.2)");
        say.why("副本与一致性 §4.3.2.2.2", "each replica has V_i votes, V in all; a read must gather V_r votes, a write V_w, "
                + "with V_r + V_w > V (every read quorum meets every write quorum: a read sees the latest write) and "
                + "V_w > V/2 (two write quorums meet: two writes cannot both go through).");
        for (int[] q : new int[][] {{1, 3}, {3, 2}}) {
            Api.Answer a = s.api().admin("POST", "/api/kv/keyspaces", keyspace(q[0], q[1]));
            say.call("POST /api/kv/keyspaces {votes: kv-1 2, kv-2 1, kv-3 1 (V = 4), readQuorum: " + q[0] + ", writeQuorum: " + q[1] + "}",
                    a, a.detail());
            say.check(a.status() == 400 && "quorum-rule-broken".equals(a.problem()),
                    "refused with 400 quorum-rule-broken, naming the rule it breaks");
        }
        Api.Answer ok = s.api().admin("POST", "/api/kv/keyspaces", keyspace(2, 3));
        say.call("POST /api/kv/keyspaces {name: " + WEIGHTED + ", the same votes, readQuorum: 2, writeQuorum: 3}", ok,
                ok.ok() ? (ok.json().path("created").asBoolean() ? "created" : "exists exactly so (an earlier run made it; keyspaces are never dropped)")
                        + ", V = " + ok.field("totalVotes") : ok.detail());
        say.check(ok.ok(), "2 + 3 > 4 and 3 > 4/2: accepted");
    }

    private void weighted(Stage s) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        say.step("Votes, not nodes, make a quorum: kv-1 (2 votes) cut off from kv-2 and kv-3 (1 each)");
        String key = "weighted-" + run;
        Api.Answer first = api.putText(path(WEIGHTED, key), "v1");
        say.call("PUT /api/kv/" + WEIGHTED + "/" + key + " v1", first, first.ok() ? "version " + first.field("version")
                + ", messages " + first.json().path("messages") : first.detail());
        if (!say.check(first.ok(), "written while everyone is connected")) return;
        if (!say.check(everyReplicaHolds(s, WEIGHTED, key, "v1"), "every replica holds v1, known chosen (the commit "
                + "follows the client's answer), before the partition")) return;
        Faults.Fault partition = Chaos.partition(s, KV1_ALONE);
        Api.Answer w = api.putText(path(WEIGHTED, key), "v2", "X-Dsys-Node", "kv-2");
        say.call("PUT …/" + key + " v2 on kv-2 (the side with two of the three nodes)", w, w.detail());
        say.check(!w.ok() && (w.status() == 503 || w.status() == 504), "not acknowledged: kv-2 and kv-3 hold 2 of 4 votes, "
                + "fewer than V_w = 3, though they are two nodes of three (" + w.brief() + ")");
        if (w.status() == 504) {
            say.say("504 outcome-unknown, not 503: kv-2 gathered V_r = 2 votes for the first phase and sent its accept, "
                    + "so the write may still take effect later — a client must read before it retries");
        }
        Api.Answer r = api.get(path(WEIGHTED, key), "X-Dsys-Node", "kv-1");
        say.call("GET …/" + key + " (linearizable) on kv-1, alone on its side", r, (r.ok() ? "\"" + r.text() + "\" " : r.detail() + " ")
                + "ETag " + r.header("ETag") + ", " + r.header("X-Dsys-Messages") + " messages");
        say.check(r.ok() && "v1".equals(r.text()), "kv-1 alone still serves linearizable reads: its 2 votes are V_r");
        partition.heal();
        say.say("healed (DELETE /api/chaos)");
        Api.Answer after = api.get(path(WEIGHTED, key), "X-Dsys-Node", "kv-2");
        Api.Answer again = api.get(path(WEIGHTED, key), "X-Dsys-Node", "kv-1");
        say.call("GET …/" + key + " on kv-2, then on kv-1", after, "\"" + after.text() + "\", then \"" + again.text() + "\"");
        say.check(after.ok() && again.ok() && after.text().equals(again.text()) && Set.of("v1", "v2").contains(after.text()),
                "after the heal every read agrees on \"" + after.text() + "\"" + ("v2".equals(after.text())
                        ? ": the unacknowledged write did take effect (kv-2 and kv-3 had accepted it; the read found it and wrote it back)"
                        : ": the unacknowledged write was lost, which its 504 allowed"));
    }

    /** False when the setup failed and the rest would say nothing. */
    private boolean staleRead(Stage s, String key) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        say.step("A stale read at read=one beside a linearizable read (keyspace default: N = 3, one vote each, R = W = 2)");
        Api.Answer before = api.putText(path("default", key), "before");
        say.call("PUT /api/kv/default/" + key + " before", before, "version " + before.field("version") + ", messages " + before.json().path("messages"));
        if (!say.check(before.ok(), "written while everyone is connected")) return false;
        if (!say.check(everyReplicaHolds(s, "default", key, "before"), "every replica holds \"before\", known chosen, "
                + "before the partition (a write needs only W = 2 of them)")) return false;
        Faults.Fault partition = Chaos.partition(s, KV1_ALONE);
        Api.Answer put = api.putText(path("default", key), "after", "X-Dsys-Node", "kv-2");
        say.call("PUT …/" + key + " after on kv-2", put, put.ok() ? "version " + put.field("version") : put.detail());
        if (!say.check(put.ok(), "the majority side (2 of 3 votes = W) takes the write")) return false;
        Api.Answer one = api.get(path("default", key) + "?read=one", "X-Dsys-Node", "kv-1");
        say.call("GET …/" + key + "?read=one on kv-1", one, "\"" + one.text() + "\", ETag " + one.header("ETag") + ", "
                + one.header("X-Dsys-Messages") + " messages");
        say.check(one.ok() && "before".equals(one.text()), "read=one answers kv-1's own copy: \"before\", a stale read, after "
                + "\"after\" was acknowledged");
        say.why("副本与一致性 §4.3.2.2.2", "reading one replica is the notes' ROWA read, safe only when every write goes to all "
                + "replicas (V_w = V). Here V_w = 2: V_r + V_w = 1 + 2 is not more than V = 3, the rule that read=one breaks "
                + "on purpose.");
        Api.Answer lin = api.get(path("default", key), "X-Dsys-Node", "kv-1");
        say.call("GET …/" + key + " (linearizable) on kv-1", lin, lin.detail());
        say.check(lin.status() == 503 && "quorum-unavailable".equals(lin.problem()),
                "a linearizable read on kv-1 refuses (503) rather than answer stale: it cannot gather V_r = 2 votes");
        Api.Answer maj = api.get(path("default", key), "X-Dsys-Node", "kv-3");
        say.call("GET …/" + key + " (linearizable) on kv-3", maj, "\"" + maj.text() + "\", ETag " + maj.header("ETag"));
        say.check(maj.ok() && "after".equals(maj.text()), "the majority side reads the latest write");
        say.why("副本与一致性 §2.1.1.2", "linearizability: every operation appears to take effect at one instant between its "
                + "call and its answer, in an order that respects real time; a read after an acknowledged write must see it.");
        Api.Answer replicas = api.get(path("default", key) + "/replicas", "X-Dsys-Node", "kv-2");
        say.call("GET …/" + key + "/replicas on kv-2", replicas, replicas(replicas.json()));
        partition.heal();
        say.say("healed (DELETE /api/chaos)");
        return true;
    }

    private void converge(Stage s, String key) throws InterruptedException {
        Narrator say = s.say();
        say.step("Anti-entropy catches kv-1 up (通信 §4.4.2.1.1)");
        long t0 = System.nanoTime();
        String last = "";
        boolean converged = false;
        while (System.nanoTime() - t0 < CONVERGE_NS) {
            Api.Answer r = s.api().get(path("default", key) + "/replicas");
            String now = replicas(r.json());
            if (!now.equals(last)) {
                say.say(String.format(Locale.ROOT, "t + %.1f s: %s%s", (System.nanoTime() - t0) / 1e9, now,
                        r.json().path("divergent").asBoolean() ? " — divergent" : ""));
                last = now;
            }
            if (r.ok() && !r.json().path("divergent").asBoolean(true) && allHold(r.json(), "after")) {
                converged = true;
                break;
            }
            Thread.sleep(500);
        }
        say.why("通信 §4.4.2.1.1", "anti-entropy: each replica periodically picks another and they exchange what differs "
                + "(here every 5 s: digests of key ranges, then the newer chosen states); afterwards both hold the same.");
        say.check(converged, String.format(Locale.ROOT, "every replica holds \"after\" %.1f s after the heal, with nobody reading it",
                (System.nanoTime() - t0) / 1e9));
        Api.Answer one = s.api().get(path("default", key) + "?read=one", "X-Dsys-Node", "kv-1");
        say.check(one.ok() && "after".equals(one.text()), "read=one on kv-1 now answers \"" + one.text() + "\"");
    }

    private void compareAndSet(Stage s, String key) {
        Narrator say = s.say();
        Api api = s.api();
        say.step("Compare-and-set with If-Match");
        Api.Answer cur = api.get(path("default", key));
        String etag = cur.header("ETag");
        Api.Answer stale = api.putText(path("default", key), "lost update", "If-Match", "\"1.kv-1\"");
        say.call("PUT …/" + key + " If-Match: \"1.kv-1\" (a version it never had)", stale, stale.detail());
        say.check(stale.status() == 412 && "precondition-failed".equals(stale.problem()),
                "412 precondition-failed: the write would have overwritten a version its writer never saw; nothing changed");
        Api.Answer swap = api.putText(path("default", key), "swapped", "If-Match", etag);
        say.call("PUT …/" + key + " If-Match: " + etag + " (the version just read)", swap, swap.ok() ? "version " + swap.field("version") : swap.detail());
        say.check(swap.ok(), "the compare-and-set on the current version goes through");
        say.say("every write and linearizable read of a key goes through one Paxos register (CASPaxos), so two clients "
                + "racing with the same If-Match cannot both win (kv-service/README.md)");
    }

    private void deathCertificate(Stage s, String key) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        say.step("A delete leaves a death certificate (通信 §4.4.3)");
        Api.Answer del = api.delete(path("default", key));
        say.call("DELETE /api/kv/default/" + key, del, del.ok() ? "deleted: " + del.field("deleted") + ", version " + del.field("version") : del.detail());
        if (!say.check(del.ok() && del.json().path("deleted").asBoolean(), "deleted, with a version of its own")) return;
        Api.Answer gone = api.get(path("default", key));
        say.call("GET …/" + key, gone, gone.detail());
        String version = String.valueOf(del.field("version"));
        say.check(gone.status() == 404 && gone.detail().contains(version), "404 no-such-key, naming the deletion's version");
        Api.Answer survey = null;
        JsonNode reps = null;
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 10_000_000_000L) {
            survey = api.get(path("default", key) + "/replicas");
            reps = survey.json();
            if (allState(reps, "tombstone")) break;
            Thread.sleep(300);
        }
        say.call("GET …/" + key + "/replicas", survey, replicas(reps));
        say.why("通信 §4.4.3", "an old value cannot simply be removed: anti-entropy would bring it back from a replica that "
                + "missed the delete. The delete is written as a special update, a death certificate, which beats the older "
                + "value everywhere; it is collected (after a day here) only once every replica is known to hold it.");
        say.check(allState(reps, "tombstone"), "every replica holds the certificate, not an absence");
    }

    /** Waits (up to 5 s) until every replica holds {@code value} and knows it chosen. */
    private static boolean everyReplicaHolds(Stage s, String keyspace, String key, String value) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            JsonNode r = s.api().get(path(keyspace, key) + "/replicas").json();
            boolean all = allHold(r, value);
            for (JsonNode rep : r.path("replicas")) all &= rep.path("chosen").asBoolean();
            if (all) return true;
            Thread.sleep(100);
        }
        return false;
    }

    private static Map<String, Object> keyspace(int read, int write) {
        return Map.of("name", WEIGHTED, "mode", "quorum", "replicas", List.of("kv-1", "kv-2", "kv-3"), "votes", VOTES,
                "readQuorum", read, "writeQuorum", write);
    }

    private static String path(String keyspace, String key) {
        return "/api/kv/" + keyspace + "/" + key;
    }

    private static String replicas(JsonNode r) {
        List<String> parts = new ArrayList<>();
        for (JsonNode rep : r.path("replicas")) {
            String state = rep.path("state").asText();
            parts.add(rep.path("node").asText() + " " + (state.equals("value") ? "\"" + rep.path("value").asText() + "\" "
                    + rep.path("version").asText() : state + (rep.path("version").isNull() ? "" : " " + rep.path("version").asText()))
                    + (rep.path("behind").asBoolean() ? " (behind)" : ""));
        }
        return String.join(" · ", parts);
    }

    private static boolean allHold(JsonNode r, String value) {
        if (r.path("replicas").isEmpty()) return false;
        for (JsonNode rep : r.path("replicas")) {
            if (!rep.path("state").asText().equals("value") || !rep.path("value").asText().equals(value)) return false;
        }
        return true;
    }

    private static boolean allState(JsonNode r, String state) {
        if (r == null || r.path("replicas").isEmpty()) return false;
        for (JsonNode rep : r.path("replicas")) {
            if (!rep.path("state").asText().equals(state)) return false;
        }
        return true;
    }
}
