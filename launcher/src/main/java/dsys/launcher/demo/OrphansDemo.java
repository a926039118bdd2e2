package dsys.launcher.demo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orphans (通信 §2.3.5), against the running platform: txn-1's RPC client calls kv-2's server stub for a transfer
 * that takes 2 s of work, and crashes as soon as kv-2 said it runs it; kv-2 runs on for nobody. txn-1 restarts, and
 * its client deals with the orphan as the remedy says: none (it runs on and its transfer lands), extermination,
 * reincarnation, gentle reincarnation, expiration (each kills it, and the account never moves). Judged from the
 * account's balance afterwards; the server's events say how each orphan ended.
 */
final class OrphansDemo implements Demo {

    static final List<String> REMEDIES = List.of("none", "extermination", "reincarnation", "gentle-reincarnation", "expiration");
    private static final String CLIENT = "txn-1", SERVER = "kv-2";
    private static final int WORK = 40; // steps of 50 ms: 2 s
    private static final long AMOUNT = 10;

    private static final Map<String, String> WHAT = Map.of(
            "none", "nothing is done: the orphan runs to its end and applies its effect, though nobody waits for it; "
                    + "a user who redoes the call pays twice",
            "extermination", "the client logged the call on its disk before sending it; after the reboot it sends a kill "
                    + "for every call still in its log",
            "reincarnation", "the client starts a new epoch on reboot and broadcasts it; a server kills every computation "
                    + "of that client from an older epoch",
            "gentle-reincarnation", "on the new epoch a server asks each computation's owner whether it still waits for "
                    + "it, and kills only those nobody claims",
            "expiration", "each computation gets a quantum T and the client must renew it while it waits; nobody renews an "
                    + "orphan, so it dies when T runs out; a rebooted client waits T before it calls again");

    private final String run = Long.toString(System.currentTimeMillis() % 100_000_000, 36);

    @Override
    public void run(Stage s) throws Exception {
        Narrator say = s.say();
        say.console("the event stream (filter rpc.: call sent, computation started, orphan killed, executed)");
        Api.Answer settings = s.api().get("/api/txn/rpc/remedies");
        if (!say.check(settings.ok(), "txn-1 runs an RPC client per remedy, the kv nodes the server stubs ("
                + settings.brief() + ")")) return;
        say.why("通信 §2.3.5", "a client that crashes while a server works for it leaves an orphan: the work goes on, "
                + "wastes resources, holds locks, and its reply finds nobody. After the reboot the client may redo the call.");
        for (String remedy : s.list("remedies", REMEDIES)) orphan(s, remedy);
    }

    private void orphan(Stage s, String remedy) throws Exception {
        Narrator say = s.say();
        say.step(remedy + ": " + WHAT.get(remedy));
        String account = "demo-" + run + "-" + remedy;
        Faults.Fault crash = Chaos.crashPoint(s, CLIENT, "after-call-accepted");
        long sent = System.nanoTime();
        Api.Answer first = call(s.api(), remedy, account, AMOUNT, WORK);
        say.call("POST /api/txn/rpc/calls {" + remedy + ", " + SERVER + ", " + account + " +" + AMOUNT + ", " + WORK
                + " steps}", first, first.ok() ? "answered: " + first.text() : "no answer: " + CLIENT + " crashed as soon as " + SERVER + " said it runs the call");
        if (!say.check(!first.ok(), CLIENT + " crashed with the call running at " + SERVER)) return;
        crash.heal();
        say.say(CLIENT + " restarted; its client reboots under " + remedy);
        // the orphan would have finished WORK steps after it started; a quantum more for expiration to act
        long until = sent + WORK * 50_000_000L + 1_500_000_000L;
        while (System.nanoTime() < until) Thread.sleep(100);
        long asked = System.nanoTime();
        Api.Answer read = call(s.api(), remedy, account, 0, 0);
        double took = (System.nanoTime() - asked) / 1e6;
        long balance = read.ok() ? read.json().path("balance").asLong(-1) : -1;
        say.call("POST /api/txn/rpc/calls {" + remedy + ", " + SERVER + ", " + account + " +0}", read,
                read.ok() ? "balance " + balance + " (" + Narrator.ms(took) + ")" : read.brief());
        Map<String, String> ended = ending(s, account);
        say.say(SERVER + "'s events for the orphan: " + ended);
        if (remedy.equals("none")) {
            say.check(balance == AMOUNT && ended.containsKey("rpc.executed"), "the orphan ran to its end: " + account + " holds " + balance
                    + ", moved by a call whose client had crashed and never heard of it");
        } else {
            boolean killed = ended.containsKey("rpc.orphan.killed") && !ended.containsKey("rpc.executed");
            say.check(balance == 0 && killed, "the orphan was killed before its effect: " + account + " holds " + balance
                    + (killed ? "" : " (events: " + ended + ")"));
        }
    }

    static Api.Answer call(Api api, String remedy, String account, long amount, int work) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("remedy", remedy);
        body.put("server", SERVER);
        body.put("account", account);
        body.put("amount", amount);
        body.put("work", work);
        return api.post("/api/txn/rpc/calls", body);
    }

    /**
     * How the server's computation for {@code account} ended, from its events: kind → reason or balance. Waits up
     * to 20 s: a node's events reach Kafka a moment after what they describe.
     */
    private static Map<String, String> ending(Stage s, String account) throws InterruptedException {
        long end = System.nanoTime() + 20_000_000_000L;
        Map<String, String> seen = ending(s.api(), account);
        while (!(seen.containsKey("rpc.orphan.killed") || seen.containsKey("rpc.executed")) && System.nanoTime() < end) {
            Thread.sleep(500);
            seen = ending(s.api(), account);
        }
        return seen;
    }

    private static Map<String, String> ending(Api api, String account) {
        Map<String, String> seen = new LinkedHashMap<>();
        String id = null;
        var events = api.get("/api/events?kind=rpc.&limit=200").json().path("events");
        for (var e : events) { // the original call's computation: the first one started for the account
            var f = e.path("fields");
            if (e.path("kind").asText().equals("rpc.computation.started") && account.equals(f.path("account").asText())
                    && f.path("amount").asLong() != 0) {
                id = f.path("id").asText();
                seen.put("rpc.computation.started", e.path("node").asText() + " " + id);
            }
        }
        if (id == null) return seen;
        for (var e : events) { // ids repeat across the remedies' clients (each counts its own epochs): the account too
            var f = e.path("fields");
            if (!id.equals(f.path("id").asText()) || !account.equals(f.path("account").asText())) continue;
            String kind = e.path("kind").asText();
            if (kind.equals("rpc.orphan.killed")) seen.put(kind, f.path("reason").asText() + ", " + f.path("stepsLeft").asText() + " steps left");
            if (kind.equals("rpc.executed")) seen.put(kind, "balance " + f.path("balance").asText());
        }
        return seen;
    }
}
