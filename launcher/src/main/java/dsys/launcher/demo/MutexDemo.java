package dsys.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Mutual exclusion (notes 同步 §6): per algorithm, a lock held, a second client waiting, the hand-over with a higher
 * fencing token; then the node the notes call the weak point crashes while a client holds a lock — the coordinator
 * (centralized), any member (Ricart–Agrawala), the token holder (token ring) — and the demo shows what the service
 * does: fresh locks are granted again within about a second, the held one only after its lease.
 */
final class MutexDemo implements Demo {

    static final List<String> ALGORITHMS = List.of("centralized", "ricart-agrawala", "token-ring");
    private static final long LEASE_MS = 4000;
    /** ρ of the lock service (dsys.lock.rho): a client may count on L/(1+ρ) of its lease. */
    private static final double RHO = 1e-3;

    /** An acquire as the client saw it: when it was sent and answered (System.nanoTime). */
    record Acquire(Api.Answer answer, long sentNs, long answeredNs) {
        long token() {
            return answer.json().path("fencingToken").asLong();
        }

        long epoch() {
            return answer.json().path("epoch").asLong();
        }
    }

    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        List<String> algorithms = s.list("algorithms", ALGORITHMS);
        say.console("Locks (type the lock name shown below: holder, fencing token, queue), Topology (the coordinator's "
                + "role; the crashed node turns red) and the space-time diagram (filter lock.: Request, Grant, Release, "
                + "OK, Token, the epoch change after a crash)");
        Api.Answer status = s.api().get("/api/locks/_status");
        if (!say.check(status.ok(), "GET /api/locks/_status answers (" + status.brief() + ")")) return;
        String original = status.field("algorithm");
        s.faults().make("the lock algorithm (back to " + original + ")", null, () -> switchTo(s.api(), original));
        for (String algorithm : algorithms) {
            algorithm(s, algorithm);
        }
    }

    private void algorithm(Stage s, String algorithm) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        say.step(switch (algorithm) {
            case "centralized" -> "Centralized (同步 §6.1)";
            case "ricart-agrawala" -> "Distributed: Ricart–Agrawala (同步 §6.2)";
            default -> "Token ring (同步 §6.3)";
        });
        Api.Answer sw = switchTo(api, algorithm);
        say.call("PUT /api/locks/algorithm {algorithm: " + algorithm + "}", sw, "epoch " + sw.field("epoch")
                + (sw.field("coordinator") == null ? "" : ", coordinator " + sw.field("coordinator")) + ", members " + sw.json().path("members"));
        if (!say.check(sw.ok(), "the lock nodes switched to " + algorithm + " (a new epoch)")) return;
        say.why(algorithm.equals("centralized") ? "同步 §6.1" : algorithm.equals("ricart-agrawala") ? "同步 §6.2" : "同步 §6.3",
                switch (algorithm) {
                    case "centralized" -> "one process, the coordinator, decides: a requester sends it a request, the "
                            + "coordinator grants when the resource is free and queues the request otherwise; a release "
                            + "lets it grant the next in line. Three messages per entry and exit, two before entry.";
                    case "ricart-agrawala" -> "a process that wants the lock sends its request with a (Lamport) timestamp "
                            + "to every other process and enters when all n − 1 have answered OK; a process that holds the "
                            + "lock, or wants it with an earlier timestamp, defers its OK. 2(n − 1) messages per entry.";
                    default -> "the processes form a logical ring and a token circulates; only the holder of the token may "
                            + "enter. Here a token per lock, which rests where it was last granted when nobody wants it.";
                });

        // A held lock, a waiter, the hand-over.
        String lock = "demo-" + run + "-" + algorithm;
        Acquire alice = acquire(api, lock, "alice", 10_000, 5000);
        describe(say, "alice", lock, alice);
        if (!say.check(alice.answer().ok(), "alice is granted " + lock)) return;
        CompletableFuture<Acquire> bobWaits = CompletableFuture.supplyAsync(() -> acquire(api, lock, "bob", 10_000, 10_000));
        Thread.sleep(400);
        Api.Answer view = api.get("/api/locks/" + lock);
        say.call("GET /api/locks/" + lock, view, "holder " + view.field("holder") + " on " + view.field("holderNode")
                + ", token " + view.field("fencingToken") + ", queue " + view.json().path("queue"));
        say.check(view.ok() && "alice".equals(view.field("holder")) && !bobWaits.isDone(),
                "bob waits while alice holds it: mutual exclusion (" + (bobWaits.isDone() ? "bob was already answered" : "bob's acquire still open") + ")");
        Api.Answer released = release(api, lock, "alice", alice.token());
        say.call("POST /api/locks/" + lock + "/release (alice)", released, "held " + released.field("heldMs") + " ms, messages " + released.json().path("messages").path("byType"));
        Acquire bob = bobWaits.get();
        describe(say, "bob", lock, bob);
        say.check(bob.answer().ok() && bob.token() > alice.token(), "bob is granted at alice's release with a higher fencing token ("
                + bob.token() + " > " + alice.token() + "): a resource that remembers the highest token refuses alice's from now on");
        if (bob.answer().ok()) release(api, lock, "bob", bob.token());
        stats(s, algorithm);

        crashWhileHeld(s, algorithm, sw);
    }

    /** The weak point of each algorithm crashes while alice holds a lock through it. */
    private void crashWhileHeld(Stage s, String algorithm, Api.Answer switched) throws Exception {
        Narrator say = s.say();
        Api api = s.api();
        String victim = switch (algorithm) {
            case "centralized" -> api.get("/api/locks/_status").field("coordinator");
            case "ricart-agrawala" -> "lock-2";
            default -> "lock-1";
        };
        if (victim == null) victim = switched.field("coordinator");
        String lock = "demo-" + run + "-" + algorithm + "-crash";
        Acquire alice = acquire(api, lock, "alice", LEASE_MS, 5000, "X-Dsys-Node", victim);
        describe(say, "alice (pinned to " + victim + ")", lock, alice);
        if (!say.check(alice.answer().ok() && victim.equals(alice.answer().field("node")),
                "alice holds " + lock + " through " + victim + " for " + LEASE_MS + " ms")) return;
        say.why(switch (algorithm) {
            case "centralized" -> "同步 §6.1";
            case "ricart-agrawala" -> "同步 §6.2";
            default -> "同步 §6.3";
        }, switch (algorithm) {
            case "centralized" -> "the notes' problem: the coordinator is a single point of failure, and a blocked "
                    + "requester cannot tell a crashed coordinator from a refusal. Here the nodes suspect it within about "
                    + "0.7 s (heartbeats), elect another coordinator (bully) and open a new epoch.";
            case "ricart-agrawala" -> "the notes' problem: a crashed process never answers, and its silence reads as a "
                    + "refusal, so every later attempt blocks. Here the failure detector suspects it and the others open "
                    + "a new epoch without it (group membership, which the notes say must be managed).";
            default -> "the notes' problem: a token lost with a crashed process must be detected and regenerated, and "
                    + "only once. Here the others suspect the holder and open a new epoch; the epoch number is the "
                    + "token's generation, so a token of the old one never counts again.";
        } + " alice's hold was recorded at a majority before she heard of it, so " + lock
                + " stays hers until her lease ends; every other name is free at once.");

        Faults.Fault crash = Chaos.crash(s, victim);
        long crashedNs = System.nanoTime();
        say.check(Chaos.awaitDown(s, victim), "the gateway sees " + victim + " down and routes around it");
        CompletableFuture<Acquire> bobWaits = CompletableFuture.supplyAsync(() -> acquireAgain(api, lock, "bob", 5000, 20_000));

        // Fresh names, one every 250 ms, until three in a row are granted: the service works again.
        List<String> answers = new ArrayList<>();
        int inARow = 0;
        double firstGrantS = -1;
        long end = crashedNs + 20_000_000_000L;
        for (int i = 0; inARow < 3 && System.nanoTime() < end; i++) {
            String fresh = "demo-" + run + "-" + algorithm + "-fresh-" + i;
            Acquire f = acquire(api, fresh, "carol", 2000, 500);
            if (f.answer().ok()) {
                inARow++;
                if (firstGrantS < 0) firstGrantS = (f.answeredNs() - crashedNs) / 1e9;
                release(api, fresh, "carol", f.token());
                answers.add("ok");
            } else {
                inARow = 0;
                answers.add(f.answer().brief().split(" ")[0]);
            }
            Thread.sleep(250);
        }
        say.say("fresh locks after the crash, one every 250 ms: " + String.join(" ", answers)
                + " (409: not granted within its 500 ms wait while no epoch could grant yet"
                + (answers.contains("503") ? "; 503: sent to " + victim + " before the gateway's health check dropped it" : "") + ")");
        say.check(inARow == 3, String.format(java.util.Locale.ROOT, "fresh locks are granted again %.1f s after the crash (three in a row)", firstGrantS));
        Api.Answer after = api.get("/api/locks/_status");
        say.call("GET /api/locks/_status", after, "epoch " + after.field("epoch") + ", members " + after.json().path("members")
                + (after.field("coordinator") == null ? "" : ", coordinator " + after.field("coordinator")));
        if (algorithm.equals("centralized")) {
            say.check(after.field("coordinator") != null && !victim.equals(after.field("coordinator")),
                    "a new coordinator, " + after.field("coordinator") + ", was elected in place of " + victim);
        } else {
            boolean without = after.json().path("members").toString().indexOf("\"" + victim + "\"") < 0;
            say.check(after.ok() && without, "the new epoch's members leave " + victim + " out");
        }

        Acquire bob = bobWaits.get();
        describe(say, "bob (asked right after the crash)", lock, bob);
        long aliceMayCount = alice.sentNs() + (long) (LEASE_MS / (1 + RHO) * 1_000_000);
        say.check(bob.answer().ok() && bob.answeredNs() >= aliceMayCount && bob.token() > alice.token() && bob.epoch() > alice.epoch(),
                String.format(java.util.Locale.ROOT, "bob gets %s only after alice's lease could have ended (%.1f s after she asked; "
                                + "her lease %d ms), with a token of a later epoch (%d > %d)", lock,
                        (bob.answeredNs() - alice.sentNs()) / 1e9, LEASE_MS, bob.token(), alice.token()));
        if (bob.answer().ok()) release(api, lock, "bob", bob.token());

        crash.heal();
        say.say(victim + " restarted (POST /api/chaos/nodes/" + victim + "/restart) from its durable state; the gateway sees it UP");
        String back = "demo-" + run + "-" + algorithm + "-back";
        Acquire again = null;
        long until = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < until) {
            again = acquire(api, back, "dave", 2000, 1000, "X-Dsys-Node", victim);
            if (again.answer().ok()) break;
            Thread.sleep(300);
        }
        say.check(again != null && again.answer().ok(), victim + " grants again after its restart (epoch "
                + (again == null ? "?" : again.answer().field("epoch")) + ": it rejoined)");
        if (again != null && again.answer().ok()) release(api, back, "dave", again.token());
    }

    private static void stats(Stage s, String algorithm) {
        Api.Answer st = s.api().get("/api/locks/_stats");
        for (JsonNode row : st.json().path("algorithms")) {
            if (!row.path("algorithm").asText().equals(algorithm)) continue;
            s.say().call("GET /api/locks/_stats", st, algorithm + ": " + row.path("entries").asInt() + " entries since the nodes "
                    + "started, " + number(row.path("messagesPerEntryExit")) + " messages per entry and exit (the notes, n = "
                    + st.field("n") + ": " + row.path("notesForN").path("messagesPerEntryExit").asText() + ")"
                    + (algorithm.equals("centralized") ? ", " + number(row.path("messagesPerRemoteEntryExit"))
                    + " per entry requested away from the coordinator (its own clients' cost none)" : "")
                    + ", delay before entry " + number(row.path("delayBeforeEntry")) + " message times (notes: "
                    + row.path("notesForN").path("delayBeforeEntry").asText() + ")");
            s.say().why("同步 §6.4", "the notes compare the three by messages per entry/exit, delay before entry and their "
                    + "problem: " + row.path("notes").path("problem").asText() + ". The console's 'Messages per operation' "
                    + "table shows the same counts.");
        }
    }

    private static String number(JsonNode n) {
        return n.isNumber() ? String.format(java.util.Locale.ROOT, "%.2f", n.asDouble()) : "—";
    }

    private static void describe(Narrator say, String who, String lock, Acquire a) {
        JsonNode j = a.answer().json();
        say.call("POST /api/locks/" + lock + "/acquire (" + who + ")", a.answer(), a.answer().ok()
                ? "by " + j.path("node").asText() + ", fencing token " + j.path("fencingToken").asLong() + ", epoch "
                + j.path("epoch").asLong() + ", waited " + j.path("waitedMs").asLong() + " ms, " + j.path("messages").path("count").asInt()
                + " messages " + j.path("messages").path("byType") + ", delay before entry " + j.path("delayMessages").asInt() + " message times"
                : a.answer().detail());
    }

    private static Acquire acquire(Api api, String lock, String owner, long leaseMs, long waitMs, String... headers) {
        long t0 = System.nanoTime();
        Api.Answer a = api.post("/api/locks/" + lock + "/acquire", Map.of("owner", owner, "leaseMs", leaseMs, "waitMs", waitMs), headers);
        return new Acquire(a, t0, System.nanoTime());
    }

    /**
     * An acquire sent again while it is certainly refused unapplied (a 503 from the crashed node, which the gateway's
     * load balancer may still pick for up to one health-check interval), as a client would; the wait counts on.
     */
    private static Acquire acquireAgain(Api api, String lock, String owner, long leaseMs, long waitMs) {
        long t0 = System.nanoTime();
        while (true) {
            Acquire a = acquire(api, lock, owner, leaseMs, waitMs);
            long left = waitMs - (System.nanoTime() - t0) / 1_000_000;
            if (a.answer().status() != 503 || !a.answer().reply().certainlyNotApplied() || left < 500) {
                return new Acquire(a.answer(), t0, a.answeredNs());
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return a;
            }
        }
    }

    private static Api.Answer release(Api api, String lock, String owner, long token) {
        return api.post("/api/locks/" + lock + "/release", Map.of("owner", owner, "fencingToken", token));
    }

    private static Api.Answer switchTo(Api api, String algorithm) {
        Api.Answer a = api.admin("PUT", "/api/locks/algorithm", Map.of("algorithm", algorithm));
        if (a.status() == 0) throw new IllegalStateException("PUT /api/locks/algorithm: " + a.brief());
        return a;
    }
}
