package dsys.launcher.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Atomic commit (notes 容错 §8.2–8.3) and RPC under a server crash (通信 §2.3), against the running platform:
 * a transfer between two accounts in the kv store; the coordinator crashes after every participant voted
 * vote-commit — under 2PC the participants block holding their locks until it is back, under 3PC they elect a
 * new coordinator and finish without it; then the coordinator crashes after logging a decision but before
 * answering, and the client's retry applies the transfer twice without a request id (at-least-once) and once
 * with one (at-most-once: the coordinator's log is the durable table of ids).
 */
final class CommitDemo implements Demo {

    static final List<String> PROTOCOLS = List.of("2pc", "3pc");
    private static final String COORDINATOR = "txn-1";
    /** A participant that voted and hears nothing starts termination after this (CommitTimeouts.DEFAULT.ready). */
    private static final long READY_MS = 10_000;

    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        say.console("the space-time diagram (filter txn.: vote-request, vote, decision, termination, blocked); each "
                + "participant's state and locks are in GET /api/txn/{txnId} (the Transactions view is a placeholder)");
        List<String> protocols = s.list("protocols", PROTOCOLS);
        String from = "demo-" + run + "-alice", to = "demo-" + run + "-bob";
        if (!open(s, from, to)) return;
        Api.Answer t = transfer(s.api(), "2pc", from, to, 30, null);
        say.step("A transfer, atomically (容错 §8.2)");
        describe(say, "2pc", t);
        say.why("容错 §8.2", "the coordinator sends vote-request to every participant; each prepares (here: takes the keys' "
                + "locks in the kv store and logs its intents) and answers vote-commit or vote-abort; only if all vote "
                + "commit does the coordinator log global-commit, else global-abort, and tell everyone.");
        if (!say.check(t.ok() && "committed".equals(t.field("outcome")), "the transfer committed at " + t.json().path("participants"))) return;
        say.check(balance(s.api(), from) == 70 && balance(s.api(), to) == 130, "the balances moved together: " + from + " 70, " + to + " 130");
        view(s, t.field("txnId"));

        for (String protocol : protocols) coordinatorCrashesAfterVotes(s, protocol, from, to);
        retries(s, from, to);
    }

    private boolean open(Stage s, String... accounts) {
        for (String a : accounts) {
            Api.Answer put = s.api().putText("/api/kv/default/" + a, "100");
            if (!s.say().check(put.ok(), "account " + a + " opened with 100 (" + put.brief() + ")")) return false;
        }
        return true;
    }

    /** The notes' blocking scenario: every participant voted vote-commit, then the coordinator crashed. */
    private void coordinatorCrashesAfterVotes(Stage s, String protocol, String from, String to) throws Exception {
        Narrator say = s.say();
        boolean three = protocol.equals("3pc");
        say.step(three ? "3PC: the same crash, and the participants finish without the coordinator (容错 §8.3)"
                : "2PC: the coordinator crashes after every participant voted vote-commit (容错 §8.2)");
        long before = balance(s.api(), from);
        Faults.Fault crash = Chaos.crashPoint(s, COORDINATOR, "before-decision");
        long sent = System.nanoTime();
        Api.Answer t = transfer(s.api(), protocol, from, to, 30, null);
        say.call("POST /api/txn {" + protocol + ", " + from + " -30, " + to + " +30}", t,
                t.ok() ? "answered " + t.field("outcome") : "no outcome: the coordinator crashed while the client waited");
        String txn = lockHolder(s.api(), from);
        if (!say.check(txn != null, from + " is locked by the transaction (GET answers 409 key-locked)")) return;
        if (!three) {
            Thread.sleep(READY_MS + 3000);
            Map<String, Object> seen = termination(s, txn, "txn.blocked");
            say.say("participants' events for " + txn + ": " + seen);
            String holder = lockHolder(s.api(), from);
            boolean blocked = seen.containsKey("txn.blocked") && txn.equals(holder);
            say.check(blocked, String.format(java.util.Locale.ROOT, "%.0f s after the crash the participants asked the "
                    + "coordinator and each other (termination; a sole participant has only the coordinator to ask), all are "
                    + "READY, and they still hold %s: blocked%s", (System.nanoTime() - sent) / 1e9, from,
                    blocked ? "" : " (events seen: " + seen.keySet() + ", " + from + " held by " + holder + ")"));
            say.why("容错 §8.2", "a participant in READY that asks the others and finds every one READY too cannot decide: "
                    + "the coordinator may have logged either outcome. It must wait for the coordinator, holding its locks. "
                    + "That is 2PC's blocking problem.");
            crash.heal();
            double freed = awaitFree(s.api(), from, 15_000, sent);
            say.say(COORDINATOR + " restarted from its log (POST /api/chaos/nodes/" + COORDINATOR + "/restart)");
            view(s, txn);
            say.check(freed > 0 && balance(s.api(), from) == before, String.format(java.util.Locale.ROOT,
                    "the restarted coordinator found %s in its log undecided and aborted it (the notes' extermination of an "
                            + "orphan by the log written before the call); the locks went %.1f s after the crash, the "
                            + "balance is still %d", txn, freed, before));
        } else {
            double freed = awaitFree(s.api(), from, READY_MS + 10_000, sent);
            Map<String, Object> seen = termination(s, txn, "txn.termination");
            say.say("participants' events for " + txn + ": " + seen);
            say.check(freed > 0 && seen.containsKey("txn.termination") && balance(s.api(), from) == before,
                    String.format(java.util.Locale.ROOT, "with %s still down, the participants elected a new coordinator, "
                            + "which found every state READY and aborted: the locks went %.1f s after the crash (the READY "
                            + "timeout is %d s), the balance is still %d", COORDINATOR, freed, READY_MS / 1000, before));
            say.why("容错 §8.3", "3PC puts PRECOMMIT between the vote and the commit, so that no participant can be in "
                    + "COMMIT while another is still in READY. A new coordinator that finds every state READY may abort: "
                    + "nobody can have committed. The price: it holds only while a crashed node and a slow one can be told "
                    + "apart. Under a partition 3PC can decide both ways (ThreePhaseScenariosTest shows it in the simulator).");
            crash.heal();
            say.say(COORDINATOR + " restarted; it learns the outcome from the participants");
        }
    }

    /** At-least-once vs at-most-once: the coordinator crashes after logging a decision, before the client hears it. */
    private void retries(Stage s, String from, String to) throws Exception {
        Narrator say = s.say();
        say.step("RPC under a server crash: a retry without and with a request id (通信 §2.3)");
        say.why("通信 §2.3", "a client whose server crashed cannot tell whether the call ran. Retrying until it gets an "
                + "answer gives at-least-once semantics: the call may run twice. A request id the server keeps on stable "
                + "storage with the call's result gives at-most-once: a retry gets the first result. Here the server is "
                + "the coordinator; an Idempotency-Key header is the id, and its log is the table of ids.");
        for (String key : new String[]{null, "demo-" + run + "-transfer"}) {
            long before = balance(s.api(), from);
            Faults.Fault crash = Chaos.crashPoint(s, COORDINATOR, "after-decision-logged");
            Api.Answer first = transfer(s.api(), "2pc", from, to, 10, key);
            say.call("POST /api/txn {" + from + " -10, " + to + " +10}" + (key == null ? "" : " Idempotency-Key: " + key), first,
                    first.ok() ? "answered " + first.field("outcome") : "no answer: the coordinator crashed after logging its decision");
            crash.heal();
            say.say(COORDINATOR + " restarted; its recovery sends the logged decision again; the client retries");
            Api.Answer retry = transfer(s.api(), "2pc", from, to, 10, key);
            describe(say, "the retry", retry);
            long after = balance(s.api(), from);
            long times = (before - after) / 10;
            if (key == null) {
                say.check(!first.ok() && retry.ok() && times == 2, from + " went from " + before + " to " + after
                        + ": the transfer ran twice (at-least-once; one call, two effects)");
            } else {
                say.check(!first.ok() && retry.ok() && times == 1 && retry.field("txnId").equals("key-" + key), from + " went from "
                        + before + " to " + after + ": once, and the retry got the first call's outcome ("
                        + retry.field("txnId") + ", at-most-once across the crash)");
            }
        }
        say.note("Orphans (通信 §2.3.5): ./platform demo orphans crashes txn-1's RPC client while a kv node works for it, "
                + "and shows no remedy, extermination, reincarnation, gentle reincarnation and expiration");
    }

    static Api.Answer transfer(Api api, String protocol, String from, String to, long amount, String idempotencyKey) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("protocol", protocol);
        body.put("operations", List.of(
                Map.of("key", from, "op", "add", "value", Long.toString(-amount)),
                Map.of("key", to, "op", "add", "value", Long.toString(amount))));
        return idempotencyKey == null ? api.post("/api/txn", body) : api.post("/api/txn", body, "Idempotency-Key", idempotencyKey);
    }

    private static void describe(Narrator say, String who, Api.Answer t) {
        say.call("POST /api/txn (" + who + ")", t, t.ok() ? t.field("txnId") + " " + t.field("outcome") + " at "
                + t.json().path("participants") + (t.field("reason") == null ? "" : " (" + t.field("reason") + ")") : t.detail());
    }

    private static void view(Stage s, String txn) {
        Api.Answer v = s.api().get("/api/txn/" + txn);
        List<String> states = new ArrayList<>();
        v.json().path("participantStates").fields().forEachRemaining(e -> states.add(e.getKey() + " " + e.getValue().path("state").asText()
                + (e.getValue().path("locked").isEmpty() ? "" : " holding " + e.getValue().path("locked"))));
        s.say().call("GET /api/txn/" + txn, v, "coordinator " + v.field("state") + "; " + String.join(", ", states));
    }

    /** The balance as a linearizable read sees it, waiting out a transaction's lock (409) for 30 s at most. */
    static long balance(Api api, String account) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        while (true) {
            Api.Answer a = api.get("/api/kv/default/" + account);
            if (a.ok()) return Long.parseLong(a.text().trim());
            if (a.status() != 409 || System.nanoTime() > end) throw new IllegalStateException("GET " + account + ": " + a.brief());
            Thread.sleep(200);
        }
    }

    /** The transaction holding {@code account}'s lock (from the 409's detail), or null if it is free. */
    private static String lockHolder(Api api, String account) {
        Api.Answer a = api.get("/api/kv/default/" + account);
        if (a.status() != 409 || a.detail() == null) return null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("locked by transaction (\\S+)").matcher(a.detail());
        return m.find() ? m.group(1) : null;
    }

    /** Seconds from {@code sinceNs} until the account is free again; -1 if it is still locked after {@code waitMs}. */
    private static double awaitFree(Api api, String account, long waitMs, long sinceNs) throws InterruptedException {
        long end = System.nanoTime() + waitMs * 1_000_000;
        while (System.nanoTime() < end) {
            if (lockHolder(api, account) == null) return (System.nanoTime() - sinceNs) / 1e9;
            Thread.sleep(250);
        }
        return -1;
    }

    /**
     * The participants' termination events for {@code txn}: kind → what the first said. Waits up to 30 s for
     * {@code expected}: a node's events reach Kafka a moment after what they describe happened.
     */
    private static Map<String, Object> termination(Stage s, String txn, String expected) throws InterruptedException {
        long end = System.nanoTime() + 30_000_000_000L;
        Map<String, Object> seen = termination(s, txn);
        while (!seen.containsKey(expected) && System.nanoTime() < end) {
            Thread.sleep(500);
            seen = termination(s, txn);
        }
        return seen;
    }

    private static Map<String, Object> termination(Stage s, String txn) {
        Map<String, Object> seen = new LinkedHashMap<>();
        // The demo's transaction is the newest: a short tail is enough, and each partition is read back only until it
        // holds that many txn.* events, so a topic full of other demos' kv.* events stays within the read's budget.
        for (var e : s.api().get("/api/events?kind=txn.&limit=60").json().path("events")) {
            if (!txn.equals(e.path("fields").path("txn").asText()) || e.path("node").asText().equals(COORDINATOR)) continue;
            String kind = e.path("kind").asText();
            if (kind.equals("txn.termination") || kind.equals("txn.blocked") || kind.equals("txn.decided")) {
                seen.putIfAbsent(kind, e.path("node").asText() + " " + e.path("fields"));
            }
        }
        return seen;
    }
}
