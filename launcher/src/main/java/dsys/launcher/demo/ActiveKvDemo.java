package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.launcher.demo.KvLook.Version;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Active replication (副本与一致性 §4.3.2.2.1, 主动复制) over Lamport's totally ordered multicast (同步 §5.2): writes
 * sent to every replica at once are applied in one order everywhere, a compare-and-set race is decided alike
 * everywhere, a crashed replica stops every write (reads go on) until it is back and the stalled write is applied,
 * and a read at a replica that has not delivered yet is stale: sequential, not linearizable.
 */
final class ActiveKvDemo implements Demo {

    private static final String KS = "active";
    private static final int WRITES_PER_NODE = 3;
    /** The delay on one link that keeps one replica behind; below chain's 1 s suspicion, so the chain keeps its view. */
    private static final long LAG_MS = 600;
    private static final String AFTER_RESTART = "after the restart";

    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);

    /** A write and what it answered. */
    private record Put(String node, String value, Api.Answer answer, Version version) {
    }

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        String key = "demo-" + run;
        say.console("Key-value (keyspace active, key " + key + ", 'read every replica') and the space-time diagram "
                + "(filter Data, Ack: each write's multicast and the acknowledgements it waits for)");
        List<String> nodes = KvLook.checkedReplicas(s, KS, "sequential");
        if (nodes == null) return;
        String last = oneOrder(s, nodes, key);
        if (last == null) return;
        compareAndSetRace(s, nodes, key + "-cas");
        if (!crashStopsWrites(s, nodes, key, last)) return;
        staleRead(s, nodes, key, AFTER_RESTART);
        s.api().delete(KvLook.path(KS, key));
        s.api().delete(KvLook.path(KS, key + "-cas"));
    }

    /** Three writes to each replica at once; the last in the total order, which every replica must hold (null: failed). */
    private String oneOrder(Stage s, List<String> nodes, String key) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        say.step("Writes sent to the three replicas at once are applied in one order everywhere (副本与一致性 §4.3.2.2.1)");
        say.why("同步 §5.2", "a replica that takes a write stamps it with its Lamport clock and multicasts it; every replica "
                + "queues it by (timestamp, node) and multicasts an acknowledgement (the writer's own message is its "
                + "acknowledgement: it carries the writer's clock); a replica applies the head of its queue "
                + "once every replica has acknowledged it. FIFO channels and the clock rule make every queue's head the same, "
                + "so every replica applies the same writes in the same order: the (timestamp, node) order.");
        long data0 = KvLook.sent(api, nodes, KS, "Data"), ack0 = KvLook.sent(api, nodes, KS, "Ack");
        Map<String, Long> applied0 = KvLook.counts(api, nodes, KS, "writes.applied");
        List<Put> puts = new ArrayList<>();
        for (List<Put> mine : atOnce(nodes, node -> {
            List<Put> p = new ArrayList<>();
            for (int i = 1; i <= WRITES_PER_NODE; i++) p.add(put(api, key, node, node + " #" + i));
            return p;
        })) {
            puts.addAll(mine);
        }
        int n = nodes.size(), total = puts.size();
        for (String node : nodes) {
            say.say("PUT " + KvLook.path(KS, key) + " three times at " + node + ": " + String.join(", ", puts.stream()
                    .filter(p -> p.node().equals(node)).map(p -> p.answer().ok() ? String.valueOf(p.version()) : p.answer().brief()).toList()));
        }
        if (!say.check(puts.stream().allMatch(p -> p.answer().ok() && p.version() != null), "all " + total
                + " writes acknowledged, each with its version (Lamport time . node)")) return null;
        boolean fifo = true;
        for (String node : nodes) {
            List<Version> own = puts.stream().filter(p -> p.node().equals(node)).map(Put::version).toList();
            for (int i = 1; i < own.size(); i++) fifo &= own.get(i).compareTo(own.get(i - 1)) > 0;
        }
        say.check(fifo && puts.stream().map(Put::version).distinct().count() == total, "the versions are distinct, and each "
                + "node's writes are stamped in the order it sent them (a Lamport clock only grows)");
        List<Put> order = puts.stream().sorted(Comparator.comparing(Put::version)).toList();
        say.say("the total order, by (timestamp, node): " + String.join(" < ", order.stream()
                .map(p -> p.version() + " \"" + p.value() + "\"").toList()));
        Put lastPut = order.get(total - 1);
        JsonNode survey = KvLook.awaitSurvey(api, KS, key, 5_000, r -> KvLook.allHold(r, lastPut.value()));
        say.say("GET " + KvLook.path(KS, key) + "/replicas: " + KvLook.shown(survey));
        say.check(KvLook.allHold(survey, lastPut.value()) && lastPut.version().toString().equals(survey.path("newest").asText()),
                "every replica holds \"" + lastPut.value() + "\" at " + lastPut.version() + ", the last write in that order: "
                        + "each applied the same writes in the same order and ended in the same state");
        long end = System.nanoTime() + 5_000_000_000L;
        long data = 0, acks = 0;
        Map<String, Long> applied = applied0;
        long perWrite = (long) (n - 1) + (long) (n - 1) * (n - 1);
        while (System.nanoTime() < end) { // the other replicas' acknowledgements may still be on their way
            data = KvLook.sent(api, nodes, KS, "Data") - data0;
            acks = KvLook.sent(api, nodes, KS, "Ack") - ack0;
            applied = KvLook.counts(api, nodes, KS, "writes.applied");
            if (data >= perWrite * total && grewBy(applied0, applied, total)) break;
            Thread.sleep(200);
        }
        List<String> grew = new ArrayList<>();
        for (String node : nodes) grew.add(node + " +" + (applied.get(node) - applied0.get(node)));
        say.check(grewBy(applied0, applied, total), "each replica applied them all (writes.applied in GET /api/kv/stats: "
                + String.join(", ", grew) + ")");
        say.say(String.format(Locale.ROOT, "messages (GET /api/kv/stats on every node, keyspace active): %d Data and %d Ack "
                + "for %d writes, %.1f and %.1f per write", data, acks, total, (double) data / total, (double) acks / total));
        say.check(data >= perWrite * total, "at least (n − 1) + (n − 1)² = " + perWrite + " Data per write (the write to the "
                + "n − 1 others, then each of them acknowledging it to the n − 1 others): the price of the total order, every "
                + "replica hearing from every other. The reliable channel under it acknowledges each Data too; those ride on "
                + "the next Data to the same node, and the Acks counted here are the ones that found none in time");
        return lastPut.value();
    }

    private void compareAndSetRace(Stage s, List<String> nodes, String key) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        say.step("A compare-and-set race is decided alike on every replica");
        say.why("副本与一致性 §4.3.2.2.1", "each replica is a deterministic state machine: a create-only write (If-None-Match: *) "
                + "is judged where it falls in the total order, against the state every replica has there. The first one "
                + "in the order creates the key everywhere; the others find it present everywhere.");
        List<Put> puts = atOnce(nodes, node -> put(s.api(), key, node, "created at " + node, "If-None-Match", "*"));
        Put winner = puts.stream().filter(p -> p.answer().ok()).findFirst().orElse(null);
        for (Put p : puts) {
            say.call("PUT " + KvLook.path(KS, key) + " If-None-Match: * at " + p.node(), p.answer(),
                    p.answer().ok() ? "version " + p.version() : p.answer().detail());
        }
        long created = puts.stream().filter(p -> p.answer().ok()).count();
        if (!say.check(created == 1, created + " of " + puts.size() + " created the key")) return;
        say.check(puts.stream().filter(p -> p != winner).allMatch(p -> p.answer().status() == 412
                && "precondition-failed".equals(p.answer().problem()) && p.answer().detail().contains(winner.version().toString())),
                "the others got 412 precondition-failed naming " + winner.version() + ", " + winner.node() + "'s write");
        JsonNode survey = KvLook.awaitSurvey(api, KS, key, 5_000, r -> KvLook.allHold(r, winner.value()));
        say.say("GET " + KvLook.path(KS, key) + "/replicas: " + KvLook.shown(survey));
        say.check(KvLook.allHold(survey, winner.value()), "every replica holds \"" + winner.value() + "\"");
    }

    /** False when the replica did not come back into the order and the rest would say nothing. */
    private boolean crashStopsWrites(Stage s, List<String> nodes, String key, String last) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        String writer = nodes.get(0), other = nodes.get(1), victim = nodes.get(2), path = KvLook.path(KS, key);
        say.step("A replica crashes: no write is applied anywhere until it is back; reads go on");
        say.why("同步 §5.2", "a replica applies a write only once every replica has acknowledged it, and a crashed replica "
                + "acknowledges nothing: Lamport's algorithm has no notion of a member leaving, so the whole group waits. "
                + "The writer answers 504 at its deadline (3 s): the write is in the others' queues and may still be applied.");
        Faults.Fault crash = Chaos.crash(s, victim);
        String stalled = "written while " + victim + " was down";
        long t0 = System.nanoTime();
        Api.Answer w = api.putText(path, stalled, "X-Dsys-Node", writer);
        double ms = (System.nanoTime() - t0) / 1e6;
        say.call("PUT " + path + " at " + writer, w, Narrator.ms(ms) + ": " + w.detail());
        say.check(w.status() == 504 && "outcome-unknown".equals(w.problem()), "not acknowledged: 504 outcome-unknown after "
                + Narrator.ms(ms) + ", not applied while " + victim + " cannot acknowledge");
        long queued = KvLook.stats(api, writer, KS).path("counts").path("multicast.queued").asLong();
        say.check(queued >= 1, writer + " holds it in its queue, waiting for " + victim + "'s acknowledgement (multicast.queued "
                + queued + " in GET /api/kv/stats)");
        for (String reader : List.of(writer, other)) {
            Api.Answer r = api.get(path, "X-Dsys-Node", reader);
            say.call("GET " + path + " at " + reader, r, r.ok() ? "\"" + r.text() + "\", " + r.header("X-Dsys-Read") : r.detail());
            say.check(r.ok() && last.equals(r.text()), reader + " still answers reads from its own copy: \"" + last
                    + "\", without the stalled write, which nobody applied");
        }
        crash.heal();
        say.say(victim + " restarted (POST /api/chaos/nodes/" + victim + "/restart); its queue and clock are on its disk");
        long t1 = System.nanoTime();
        JsonNode survey = KvLook.awaitSurvey(api, KS, key, 30_000, r -> KvLook.allHold(r, stalled));
        say.say("GET " + path + "/replicas: " + KvLook.shown(survey));
        if (!say.check(KvLook.allHold(survey, stalled), String.format(Locale.ROOT, "%.1f s after the restart every replica "
                + "applied the write that got 504: it was in the order, and %s's acknowledgement released it",
                (System.nanoTime() - t1) / 1e9, victim))) return false;
        long t2 = System.nanoTime();
        Api.Answer again = api.putText(path, AFTER_RESTART, "X-Dsys-Node", victim);
        int refused = 0;
        while (!again.ok() && System.nanoTime() - t2 < 15_000_000_000L) {
            refused++;
            Thread.sleep(200);
            again = api.putText(path, AFTER_RESTART, "X-Dsys-Node", victim);
        }
        say.call("PUT " + path + " at " + victim, again, (again.ok() ? "version " + again.field("version") : again.detail())
                + String.format(Locale.ROOT, " (%d refused before, %.1f s)", refused, (System.nanoTime() - t2) / 1e9));
        return say.check(again.ok(), "writes go on, also at the replica that crashed");
    }

    /** {@code current}: the key's last acknowledged value. */
    private void staleRead(Stage s, List<String> nodes, String key, String current) throws InterruptedException {
        Narrator say = s.say();
        Api api = s.api();
        String writer = nodes.get(0), relay = nodes.get(1), reader = nodes.get(2), path = KvLook.path(KS, key);
        say.step("Sequential, not linearizable: a read at another replica may not have the acknowledged write yet");
        say.why("副本与一致性 §2.1.1.3", "sequential consistency: every client sees the operations in one order that keeps each "
                + "client's own order; nothing ties that order to real time. Linearizability (§2.1.1.2) also requires a "
                + "read that starts after a write was acknowledged to see it. Here the writer's replica applies a write "
                + "once it has every acknowledgement; another replica does so when it has them too, which can be later.");
        Faults.Fault lag = Chaos.link(s, relay, reader, LAG_MS);
        say.say(relay + "'s messages to " + reader + " (its acknowledgements among them) now take " + LAG_MS + " ms: "
                + writer + " hears every acknowledgement at once, " + reader + " waits for " + relay + "'s");
        boolean shown = false;
        for (int attempt = 1; attempt <= 3 && !shown; attempt++) {
            String before = current, value = "seen late #" + attempt;
            if (!say.check(awaitRead(api, path, writer, before) && awaitRead(api, path, reader, before), writer + " and "
                    + reader + " both hold \"" + before + "\" before the write")) break;
            long t0 = System.nanoTime();
            Api.Answer w = api.putText(path, value, "X-Dsys-Node", writer);
            Api.Answer r = api.get(path, "X-Dsys-Node", reader);
            double ms = (System.nanoTime() - t0) / 1e6;
            say.call("PUT " + path + " \"" + value + "\" at " + writer + ", then GET at " + reader, r, "\"" + r.text()
                    + "\" (the write " + w.brief() + "), " + Narrator.ms(ms) + " from the PUT's start");
            if (!say.check(w.ok(), "the write is acknowledged by " + writer)) break;
            current = value;
            if (ms >= LAG_MS) {
                say.note("the read came back later than the " + LAG_MS + " ms " + reader + " certainly waits, so it may "
                        + "already have applied the write: again");
                continue;
            }
            shown = true;
            say.check(r.ok() && before.equals(r.text()), reader + " answered \"" + before + "\", its state before the write: "
                    + "a client that reads there after another client's write was acknowledged does not see it. Allowed "
                    + "by sequential consistency (the read is ordered before the write), not by linearizability.");
            boolean caughtUp = awaitRead(api, path, reader, value);
            say.check(caughtUp, String.format(Locale.ROOT, "%s shows \"%s\" %.0f ms after the PUT's start: the same write "
                    + "in the same place of the order, only later", reader, value, (System.nanoTime() - t0) / 1e6));
        }
        if (!shown) say.note("three reads came back too late to be sure " + reader + " had not applied the write yet "
                + "(a loaded machine): the staleness was not shown this time");
        lag.heal();
        say.say("healed (DELETE /api/chaos)");
    }

    /** Polls the node's own copy every 50 ms, up to 5 s, until it is {@code value}. */
    private static boolean awaitRead(Api api, String path, String node, String value) throws InterruptedException {
        long end = System.nanoTime() + 5_000_000_000L;
        while (!value.equals(api.get(path, "X-Dsys-Node", node).text())) {
            if (System.nanoTime() > end) return false;
            Thread.sleep(50);
        }
        return true;
    }

    private static Put put(Api api, String key, String node, String value, String... headers) {
        List<String> h = new ArrayList<>(List.of("X-Dsys-Node", node));
        h.addAll(List.of(headers));
        Api.Answer a = api.putText(KvLook.path(KS, key), value, h.toArray(String[]::new));
        return new Put(node, value, a, a.ok() ? Version.parse(a.field("version")) : null);
    }

    /** {@code work} for every node at the same time, one thread each; the results in the nodes' order. */
    private static <T> List<T> atOnce(List<String> nodes, Function<String, T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(nodes.size());
        try {
            List<CompletableFuture<T>> all = nodes.stream().map(n -> CompletableFuture.supplyAsync(() -> work.apply(n), pool)).toList();
            List<T> out = new ArrayList<>();
            for (CompletableFuture<T> f : all) out.add(f.get());
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean grewBy(Map<String, Long> before, Map<String, Long> after, int n) {
        return before.keySet().stream().allMatch(k -> after.get(k) - before.get(k) >= n);
    }
}
