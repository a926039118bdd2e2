package dsys.launcher.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.verifier.Verdict;
import dsys.verifier.bank.BankChecker;
import dsys.verifier.bank.BankResult;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;
import dsys.verifier.history.OpType;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * {@code bank}: Jepsen's bank over atomic commit. {@code --keys} accounts of the kv store open with {@value #OPENING}
 * each; clients transfer 1..5 between two of them as one {@code POST /api/txn} of two {@code add}s (a participant
 * votes abort rather than go below 0), or read all of them in one read-only transaction, which locks every account
 * at once and so is one snapshot. Judged by the verifier's {@link BankChecker} from the answers alone: every
 * snapshot holds all accounts, none negative, the total unchanged; after healing, the final balances are what the
 * transfers allow.
 */
final class BankWorkload implements Workload {

    static final long OPENING = 100;
    /** The history key of every call: one object, so that a finding's timeline shows the transfers around a read. */
    static final String KEY = "bank";
    /** The participants and the coordinator (its only instance: while it is down every POST fails, as it should). */
    private static final List<String> NODES = List.of("kv-1", "kv-2", "kv-3", "txn-1");
    /** The gateway's txn route answers 504 after 30 s; the client waits longer so the gateway speaks first. */
    private static final Duration TIMEOUT = Duration.ofSeconds(35);
    /** The coordinator's own limit: a decision not reached in 5 s is a 504, outcome unknown. */
    private static final long TXN_TIMEOUT_MS = 5000;
    /** As KvWorkload: the gateway answers 504 after 10 s on kv routes. */
    private static final Duration KV_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final Gateway gw;
    private final String protocol;
    private final List<String> accounts;

    BankWorkload(Gateway gw, String protocol, String runId, int accountCount) {
        this.gw = gw;
        this.protocol = protocol;
        this.accounts = Stream.iterate(0, i -> i + 1).limit(accountCount).map(i -> runId + "-acct-" + i).toList();
    }

    @Override
    public List<String> nodes() {
        return NODES;
    }

    /** Opens every account with a PUT, retried until it lands: putting the same balance again is harmless. */
    @Override
    public void setup(HistoryRecorder rec) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int attempt = 0;
        for (String a : accounts) {
            while (true) {
                Map<String, Object> v = new LinkedHashMap<>();
                v.put("account", a);
                v.put("balance", OPENING);
                // A new process per attempt: one that ended unknown must not invoke again.
                HistoryRecorder.Pending p = rec.invoke("setup." + attempt++, null, "open", KEY, v);
                Gateway.Reply r = gw.send("PUT", "/api/kv/default/" + a, Long.toString(OPENING), KV_TIMEOUT, "Content-Type", "text/plain");
                if (r.ok()) {
                    p.ok();
                    break;
                }
                if (r.certainlyNotApplied()) p.fail(r.describe());
                else p.info(r.describe());
                if (System.nanoTime() > deadline) throw new IllegalStateException("could not open account " + a + ": " + r.describe());
                KvWorkload.sleep(500);
            }
        }
    }

    /**
     * A transfer (3 in 4) or a snapshot read. Not pinned to {@code node}: every transaction goes to the one
     * coordinator, which picks the participants by key.
     */
    @Override
    public boolean step(HistoryRecorder rec, String process, String node) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        if (rnd.nextInt(4) == 0) {
            snapshot(rec, process);
            return true;
        }
        int from = rnd.nextInt(accounts.size());
        int to = (from + 1 + rnd.nextInt(accounts.size() - 1)) % accounts.size();
        long amount = 1 + rnd.nextInt(5);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("from", accounts.get(from));
        v.put("to", accounts.get(to));
        v.put("amount", amount);
        HistoryRecorder.Pending p = rec.invoke(process, null, "transfer", KEY, v);
        Answer a = answer(post(transferBody(protocol, accounts.get(from), accounts.get(to), amount)));
        switch (a.type()) {
            case OK -> p.ok();
            case FAIL -> p.fail(a.why());
            default -> {
                p.info(a.why());
                return false;
            }
        }
        if (a.busy()) KvWorkload.backOff();
        return true;
    }

    /** A read-only transaction over every account; true if it committed. A read changes no balance: else a fail. */
    private boolean snapshot(HistoryRecorder rec, String process) {
        HistoryRecorder.Pending p = rec.invoke(process, null, "read", KEY, null);
        Answer a = answer(post(snapshotBody(protocol, accounts)));
        if (a.type() == OpType.OK && a.reads() != null) {
            p.ok(a.reads());
            return true;
        }
        p.fail(a.type() == OpType.OK ? "committed without reads (does txn-coordinator answer them?)" : a.why());
        if (a.busy()) KvWorkload.backOff();
        return false;
    }

    /**
     * After healing, one snapshot retried until it commits. It needs every account's lock, so how long that takes
     * bounds how long a transaction the faults left undecided kept a key locked after healing (the checker reports it
     * from the history).
     */
    @Override
    public void finalReads(HistoryRecorder rec, String process) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!snapshot(rec, process) && System.nanoTime() < deadline) KvWorkload.sleep(200);
    }

    @Override
    public Judgement check(History history) {
        long t0 = System.nanoTime();
        BankResult r = new BankChecker(accounts, OPENING).check(history);
        long elapsed = System.nanoTime() - t0;
        Map<String, Judgement.KeyResult> perAccount = new LinkedHashMap<>();
        r.accounts().forEach((a, x) -> {
            boolean bad = r.findings().stream().anyMatch(f -> a.equals(f.account()));
            Verdict v = bad ? Verdict.INVALID : x.balance() == null ? Verdict.UNKNOWN : Verdict.VALID;
            String bounds = x.low() == x.high() ? "exactly " + x.low() : x.low() + ".." + x.high();
            perAccount.put(a, new Judgement.KeyResult(v, x.transfers(), (x.balance() == null ? "no final balance" : "final " + x.balance())
                    + ", transfers allow " + bounds + "; " + x.ok() + " ok, net " + (x.net() >= 0 ? "+" : "") + x.net()));
        });
        List<Judgement.Finding> findings = new ArrayList<>();
        r.findings().forEach(f -> findings.add(new Judgement.Finding(KEY, f.text(), f.indices())));
        if (r.dropped() > 0) findings.add(new Judgement.Finding(null, "... and " + r.dropped() + " more", List.of()));
        BankResult.FinalRead fr = r.finalRead();
        String after = fr.committed() ? String.format("; after healing the final read committed in %.2f s (attempt %d): no account stayed locked longer",
                fr.nanos() / 1e9, fr.attempts()) : "; final read " + fr;
        return new Judgement("bank under " + protocol + " (BankChecker over what clients were answered: snapshots hold every account, "
                + "none negative, total " + r.total() + "; final balances within the transfers' bounds)", r.verdict(), perAccount, findings, elapsed,
                r.summary() + after + refusals(history));
    }

    /**
     * Why transfers were refused, by cause: a contended bank refuses most of them for lock conflicts (wait-die between
     * the clients, a snapshot's read locks on every account), which is the workload, not the faults.
     */
    static String refusals(History history) {
        Map<String, Integer> by = new LinkedHashMap<>();
        for (String cause : List.of("lock conflicts (wait-die)", "vote timeouts", "overdrafts", "unavailable", "other")) by.put(cause, 0);
        for (var op : history.ops()) {
            if (op.type() != OpType.FAIL || !"transfer".equals(op.f())) continue;
            String e = op.error() == null ? "" : op.error().toLowerCase(java.util.Locale.ROOT);
            String cause = e.contains("is locked by transaction") ? "lock conflicts (wait-die)"
                    : e.contains("no vote from") ? "vote timeouts"
                    : e.contains("cannot add") ? "overdrafts"
                    : e.startsWith("5") || e.contains("connect") || e.contains("timed out") ? "unavailable" : "other";
            by.merge(cause, 1, Integer::sum);
        }
        List<String> parts = by.entrySet().stream().filter(x -> x.getValue() > 0).map(x -> x.getValue() + " " + x.getKey()).toList();
        return parts.isEmpty() ? "" : "; transfers refused: " + String.join(", ", parts);
    }

    private Gateway.Reply post(String json) {
        return gw.send("POST", "/api/txn", json, TIMEOUT, "Content-Type", "application/json");
    }

    static String transferBody(String protocol, String from, String to, long amount) {
        return body(protocol, List.of(op(from, "add", Long.toString(-amount)), op(to, "add", Long.toString(amount))));
    }

    static String snapshotBody(String protocol, List<String> accounts) {
        return body(protocol, accounts.stream().map(a -> op(a, "get", null)).toList());
    }

    private static Map<String, String> op(String key, String op, String value) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("key", key);
        m.put("op", op);
        if (value != null) m.put("value", value);
        return m;
    }

    private static String body(String protocol, List<Map<String, String>> operations) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("protocol", protocol);
        b.put("operations", operations);
        b.put("timeoutMs", TXN_TIMEOUT_MS);
        return Gateway.JSON.valueToTree(b).toString();
    }

    /**
     * How an answer to {@code POST /api/txn} goes into the history.
     *
     * @param type  ok (committed), fail (certainly nothing applied: aborted, or never sent on) or info (unknown)
     * @param reads a committed transaction's gets, account → balance (null: absent); null when the answer has none
     * @param busy  the platform refused or broke off: back off before the next call
     */
    record Answer(OpType type, Map<String, Object> reads, String why, boolean busy) {
    }

    static Answer answer(Gateway.Reply r) {
        boolean busy = r.status() == 0 || r.status() >= 500 || r.status() == 409 || r.status() == 429;
        if (r.ok()) {
            JsonNode b;
            try {
                b = Gateway.JSON.readTree(r.body());
            } catch (IOException e) {
                return new Answer(OpType.INFO, null, r.status() + " with an unreadable body: " + e.getMessage(), false);
            }
            String outcome = b == null ? "" : b.path("outcome").asText("");
            return switch (outcome) {
                case "committed" -> new Answer(OpType.OK, reads(b.get("reads")), null, false);
                // Aborted is a decision: no participant applied anything (a vote below 0, a lock refused, a timeout).
                case "aborted" -> new Answer(OpType.FAIL, null, "aborted: " + b.path("reason").asText("no reason given"), false);
                default -> new Answer(OpType.INFO, null, r.status() + " without an outcome", false);
            };
        }
        // 409 is a participant's state (a key held by an undecided transaction), not a refusal before anything was sent.
        if (r.status() == 409) return new Answer(OpType.INFO, null, r.describe(), true);
        return new Answer(r.certainlyNotApplied() ? OpType.FAIL : OpType.INFO, null, r.describe(), busy);
    }

    /** {@code reads: [{keyspace, key, value, version}]} as account → balance: a number, the text if not one, or null. */
    private static Map<String, Object> reads(JsonNode reads) {
        if (reads == null || !reads.isArray()) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonNode r : reads) {
            String ks = r.path("keyspace").asText("default");
            if (!ks.equals("default")) continue;
            JsonNode v = r.get("value");
            Object balance = v == null || v.isNull() ? null : v.isIntegralNumber() ? (Object) v.asLong() : parse(v.asText());
            m.put(r.path("key").asText(), balance);
        }
        return m;
    }

    private static Object parse(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return text;
        }
    }
}
