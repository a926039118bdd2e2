package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.launcher.demo.KvLook.Version;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Eventual consistency (副本与一致性 §2.2) over epidemics (通信 §4.4.2): a write at one replica reaches the others by
 * rumor mongering; both sides of a partition take writes to one key and, healed, agree on the last writer's by
 * (Lamport time, node); a delete's death certificate (通信 §4.4.3) beats the old value a cut-off replica kept; and
 * read-your-writes (§2.2.3) broken without a session, kept (or refused with 503) with one.
 */
final class EventualKvDemo implements Demo {

    private static final String KS = "eventual";
    private static final String SESSION = "X-Dsys-Session";

    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        String key = "demo-" + run;
        say.console("Key-value (keyspace eventual, keys " + key + "-…, 'read every replica'), Chaos (the partition in "
                + "force) and the space-time diagram (filter Rumor, RumorFeedback, Digest, DigestReply, Updates)");
        List<String> nodes = KvLook.checkedReplicas(s, KS, "eventual");
        if (nodes == null) return;
        spread(s, nodes, key + "-gossip");
        lastWriterWins(s, nodes, key + "-lww");
        deathCertificate(s, nodes, key + "-deleted");
        readYourWrites(s, nodes, key + "-session");
        for (String k : List.of("-gossip", "-lww", "-session")) s.api().delete(KvLook.path(KS, key + k));
    }

    private void spread(Stage s, List<String> nodes, String key) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        String writer = nodes.get(0), path = KvLook.path(KS, key);
        say.step("A write at one replica reaches the others by gossip (通信 §4.4.2.1.2)");
        say.why("通信 §4.4.2", "a replica stores a write and acknowledges it at once; then it spreads. Rumor mongering: a "
                + "replica holding a new update pushes it to a random peer every 250 ms; each time the peer already knew "
                + "it, the pusher loses interest with probability 1/k (k = 3). Anti-entropy every 5 s (push-pull with a "
                + "random peer) catches what the rumors missed.");
        long rumors0 = KvLook.sent(api, nodes, KS, "Rumor"), lost0 = KvLook.total(api, nodes, KS, "rumor.lostInterest");
        long t0 = System.nanoTime();
        Api.Answer w = api.putText(path, "gossip", "X-Dsys-Node", writer);
        Version v = Version.parse(w.field("version"));
        say.call("PUT " + path + " gossip at " + writer, w, w.ok() ? "version " + w.field("version") + " = "
                + (v == null ? "?" : v.stamp()) + ", acknowledged by " + writer + " alone" : w.detail());
        if (!say.check(w.ok(), "acknowledged by one replica, before any other has it")) return;
        Map<String, Double> seenMs = new LinkedHashMap<>();
        Map<String, String> first = new LinkedHashMap<>();
        List<String> others = nodes.subList(1, nodes.size());
        while (seenMs.size() < others.size() && System.nanoTime() - t0 < 15_000_000_000L) {
            for (String n : others) {
                if (seenMs.containsKey(n)) continue;
                Api.Answer r = api.get(path, "X-Dsys-Node", n);
                first.putIfAbsent(n, r.ok() ? "\"" + r.text() + "\"" : r.brief());
                if (r.ok() && "gossip".equals(r.text())) seenMs.put(n, (System.nanoTime() - t0) / 1e6);
            }
            Thread.sleep(20);
        }
        for (String n : others) {
            say.say("GET " + path + " at " + n + " every 20 ms: first answer " + first.get(n) + "; \"gossip\" "
                    + (seenMs.containsKey(n) ? "after " + Narrator.ms(seenMs.get(n)) : "not within 15 s"));
        }
        say.check(seenMs.size() == others.size(), "every other replica has the write within 15 s of the PUT, with nobody "
                + "asking for it (" + String.join(", ", seenMs.entrySet().stream().map(e -> e.getKey() + " "
                + Narrator.ms(e.getValue())).toList()) + ")");
        long rumors = KvLook.sent(api, nodes, KS, "Rumor") - rumors0;
        long lost = KvLook.total(api, nodes, KS, "rumor.lostInterest") - lost0;
        say.check(rumors >= 1, "it travelled as rumors: " + rumors + " Rumor messages sent meanwhile, " + lost + " times a "
                + "pusher lost interest (GET /api/kv/stats: sent.Rumor, counts.rumor.lostInterest on every node)");
    }

    private void lastWriterWins(Stage s, List<String> nodes, String key) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        String alone = nodes.get(0), other = nodes.get(1), third = nodes.get(2), path = KvLook.path(KS, key);
        say.step("A partition: both sides take writes to the same key; healed, the last writer wins");
        Faults.Fault partition = Chaos.partition(s, List.of(List.of(alone), List.of(other, third)));
        Api.Answer left = api.putText(path, "written at " + alone, "X-Dsys-Node", alone);
        Api.Answer right = api.putText(path, "written at " + other, "X-Dsys-Node", other);
        say.call("PUT " + path + " at " + alone, left, left.ok() ? "version " + left.field("version") : left.detail());
        say.call("PUT " + path + " at " + other, right, right.ok() ? "version " + right.field("version") : right.detail());
        if (!say.check(left.ok() && right.ok(), "both sides acknowledge their write: any replica takes writes, "
                + "whoever it can reach")) return;
        Api.Answer a = api.get(path, "X-Dsys-Node", alone);
        Api.Answer b = awaitValue(api, path, third, "written at " + other, 10_000);
        say.check(("written at " + alone).equals(a.text()) && ("written at " + other).equals(b.text()),
                "the sides disagree: " + alone + " answers \"" + a.text() + "\", " + third + " \"" + b.text() + "\" (gossip "
                        + "within its side)");
        Version l = Version.parse(left.field("version")), r = Version.parse(right.field("version"));
        boolean leftWins = l.compareTo(r) > 0;
        String winner = "written at " + (leftWins ? alone : other);
        Version wins = leftWins ? l : r, loses = leftWins ? r : l;
        partition.heal();
        say.say("healed (DELETE /api/chaos)");
        say.why("副本与一致性 §2.2", "last writer wins: each version is (Lamport time, node), a total order every replica "
                + "computes alike, so whichever copies meet, the higher one is kept everywhere and the replicas converge. "
                + "The lower write was acknowledged and is lost: eventual consistency promises agreement, not that "
                + "every write survives.");
        long t0 = System.nanoTime();
        JsonNode survey = KvLook.awaitSurvey(api, KS, key, 20_000, x -> KvLook.allHold(x, winner));
        say.say(String.format(Locale.ROOT, "GET %s/replicas, %.1f s after the heal: %s", path, (System.nanoTime() - t0) / 1e9,
                KvLook.shown(survey)));
        say.check(KvLook.allHold(survey, winner) && wins.toString().equals(survey.path("newest").asText()),
                "every replica holds \"" + winner + "\": " + wins.stamp() + " beats " + loses.stamp());
    }

    private void deathCertificate(Stage s, List<String> nodes, String key) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        String deleter = nodes.get(0), peer = nodes.get(1), away = nodes.get(2), path = KvLook.path(KS, key);
        say.step("A delete leaves a death certificate: the old value a cut-off replica kept does not come back (通信 §4.4.3)");
        Api.Answer put = api.putText(path, "old", "X-Dsys-Node", deleter);
        JsonNode everywhere = KvLook.awaitSurvey(api, KS, key, 15_000, x -> KvLook.allHold(x, "old"));
        if (!say.check(put.ok() && KvLook.allHold(everywhere, "old"), "\"old\" written and spread: " + KvLook.shown(everywhere))) return;
        Faults.Fault partition = Chaos.partition(s, List.of(List.of(deleter, peer), List.of(away)));
        Api.Answer del = api.delete(path, "X-Dsys-Node", deleter);
        say.call("DELETE " + path + " at " + deleter, del, del.ok() ? "deleted: " + del.field("deleted") + ", version "
                + del.field("version") : del.detail());
        if (!say.check(del.ok() && del.json().path("deleted").asBoolean(), "deleted, with a version of its own: the death "
                + "certificate")) return;
        String version = del.field("version");
        Api.Answer kept = api.get(path, "X-Dsys-Node", away);
        say.call("GET " + path + " at " + away + " (cut off)", kept, kept.ok() ? "\"" + kept.text() + "\"" : kept.detail());
        say.check(kept.ok() && "old".equals(kept.text()), away + " still holds \"old\": the delete cannot reach it");
        partition.heal();
        say.say("healed (DELETE /api/chaos): " + away + " meets the others holding \"old\"");
        say.why("通信 §4.4.3", "were the delete an erasure, anti-entropy would find \"old\" at " + away + " and nothing at the "
                + "others, and copy it back. The certificate is an update with a newer version, so it beats the value "
                + "wherever they meet. It is dropped after a horizon (a day here), except at two keepers per key that "
                + "keep it dormant and wake it if an old copy ever shows up.");
        long t0 = System.nanoTime();
        JsonNode survey = KvLook.awaitSurvey(api, KS, key, 20_000, x -> KvLook.allState(x, "tombstone"));
        say.say(String.format(Locale.ROOT, "GET %s/replicas, %.1f s after the heal: %s", path, (System.nanoTime() - t0) / 1e9,
                KvLook.shown(survey)));
        if (!say.check(KvLook.allState(survey, "tombstone") && version.equals(survey.path("newest").asText()),
                "every replica holds the certificate " + version + ", " + away + " included")) return;
        long ae0 = KvLook.total(api, nodes, KS, "antiEntropy.started");
        long t1 = System.nanoTime();
        List<String> back = new ArrayList<>();
        while (System.nanoTime() - t1 < 6_000_000_000L) { // longer than one anti-entropy period (5 s)
            for (String n : nodes) {
                Api.Answer r = api.get(path, "X-Dsys-Node", n);
                if (r.status() != 404 || !String.valueOf(r.detail()).contains(version)) back.add(n + " " + r.brief() + " " + r.text());
            }
            Thread.sleep(500);
        }
        long rounds = KvLook.total(api, nodes, KS, "antiEntropy.started") - ae0;
        say.check(back.isEmpty() && rounds >= 1, "over the next 6 s, " + rounds + " anti-entropy rounds later, every replica "
                + "still answers 404 naming the deletion's version" + (back.isEmpty() ? "" : "; not so: " + back));
    }

    private void readYourWrites(Stage s, List<String> nodes, String key) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        String stale = nodes.get(0), writer = nodes.get(1), path = KvLook.path(KS, key);
        say.step("Read-your-writes: broken without a session, kept (or refused) with one (副本与一致性 §2.2.3)");
        Api.Answer put = api.putText(path, "before", "X-Dsys-Node", writer);
        JsonNode everywhere = KvLook.awaitSurvey(api, KS, key, 15_000, x -> KvLook.allHold(x, "before"));
        if (!say.check(put.ok() && KvLook.allHold(everywhere, "before"), "\"before\" written and spread: " + KvLook.shown(everywhere))) return;
        Faults.Fault partition = Chaos.partition(s, List.of(List.of(stale), List.of(writer, nodes.get(2))));
        Api.Answer mine = api.putText(path, "mine", "X-Dsys-Node", writer);
        String token = mine.header(SESSION);
        say.call("PUT " + path + " mine at " + writer, mine, mine.ok() ? "version " + mine.field("version") + ", " + SESSION
                + ": " + token : mine.detail());
        if (!say.check(mine.ok() && token != null, "acknowledged, with the session's token (the versions it wrote and read)")) return;
        Api.Answer plain = api.get(path, "X-Dsys-Node", stale);
        say.call("GET " + path + " at " + stale + " (cut off), no session", plain, "\"" + plain.text() + "\"");
        say.check(plain.ok() && "before".equals(plain.text()), "the same client reads \"before\" after its own write was "
                + "acknowledged: read-your-writes broken, which eventual consistency allows");
        say.why("副本与一致性 §2.2.3", "read-your-writes: a read by a client sees every earlier write of that client, wherever "
                + "it reads. The client sends its token and X-Dsys-Guarantees: read-your-writes; a replica serves the "
                + "read only once it holds the version the session wrote (or a later one), waiting up to 3 s for gossip, "
                + "else answers 503 session-guarantee-unavailable rather than the stale value.");
        long t0 = System.nanoTime();
        Api.Answer kept = api.get(path, "X-Dsys-Node", stale, SESSION, token, "X-Dsys-Guarantees", "read-your-writes");
        say.call("GET " + path + " at " + stale + " with the token and read-your-writes", kept, String.format(Locale.ROOT,
                "after %.1f s: %s", (System.nanoTime() - t0) / 1e9, kept.ok() ? "\"" + kept.text() + "\"" : kept.detail()));
        boolean refused = kept.status() == 503 && "session-guarantee-unavailable".equals(kept.problem());
        boolean served = kept.ok() && "mine".equals(kept.text());
        say.check(refused || served, "with the session, " + stale + " either serves the session's write or refuses, never "
                + "\"before\": " + (refused ? "it refused (503 session-guarantee-unavailable), the write being across the "
                + "partition" : served ? "it served \"mine\"" : "it answered " + kept.brief() + " \"" + kept.text() + "\""));
        partition.heal();
        say.say("healed (DELETE /api/chaos)");
        long t1 = System.nanoTime();
        Api.Answer again = kept;
        int refusals = 0;
        do {
            again = api.get(path, "X-Dsys-Node", stale, SESSION, token, "X-Dsys-Guarantees", "read-your-writes");
            if (!again.ok()) refusals++;
        } while (!again.ok() && "session-guarantee-unavailable".equals(again.problem()) && System.nanoTime() - t1 < 30_000_000_000L);
        say.call("GET " + path + " at " + stale + " with the token, again after the heal", again, String.format(Locale.ROOT,
                "\"%s\" after %.1f s, %d refused before", again.text(), (System.nanoTime() - t1) / 1e9, refusals));
        say.check(again.ok() && "mine".equals(again.text()) && ("\"" + mine.field("version") + "\"").equals(again.header("ETag")),
                stale + " serves the session's read once gossip or anti-entropy brought the write: \"mine\", ETag "
                        + again.header("ETag"));
    }

    /** Reads the node's copy every 100 ms until it is {@code value} or {@code ms} pass; the last answer. */
    private static Api.Answer awaitValue(Api api, String path, String node, String value, long ms) throws InterruptedException {
        long end = System.nanoTime() + ms * 1_000_000L;
        Api.Answer a = api.get(path, "X-Dsys-Node", node);
        while (!(a.ok() && value.equals(a.text())) && System.nanoTime() < end) {
            Thread.sleep(100);
            a = api.get(path, "X-Dsys-Node", node);
        }
        return a;
    }
}
