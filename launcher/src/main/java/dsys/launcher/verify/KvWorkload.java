package dsys.launcher.verify;

import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;
import dsys.verifier.CheckResult;
import dsys.verifier.Verdict;
import dsys.verifier.linear.Counterexample;
import dsys.verifier.sequential.VersionOrderChecker;
import dsys.verifier.linear.LinearizabilityChecker;
import dsys.verifier.linear.LinearizabilityResult;
import dsys.verifier.linear.RegisterModel;
import dsys.verifier.linear.SearchStats;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code register} (reads and writes) and {@code cas} (reads, writes and compare-and-set) on a few keys of a kv
 * keyspace ({@code --keyspace}, default {@code default}), through the gateway. Every written value is unique, so a version (ETag) stands for
 * the value it carries: a CAS {@code If-Match} the version a process last saw with value v is the model's
 * {@code cas [v, new]} ({@code If-None-Match: *} after a 404 is {@code cas [null, new]}).
 */
final class KvWorkload implements Workload {

    private static final List<String> NODES = List.of("kv-1", "kv-2", "kv-3");
    /** The gateway answers 504 after 10 s on kv routes; the client waits a little longer so the gateway speaks first. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Gateway gw;
    private final boolean cas;
    private final String readLevel;
    private final List<String> keys;
    private final Duration budget;
    private final String keyspace;
    private final AtomicLong nextValue = new AtomicLong();
    /** The consistency the keyspace claims (GET /api/kv/keyspaces): linearizable, or sequential (active replication). */
    private volatile String claims = "linearizable";
    /** process → key → the value and version it last saw (for CAS). */
    private final Map<String, Map<String, Seen>> seen = new ConcurrentHashMap<>();

    private record Seen(Object value, String etag) {
    }

    KvWorkload(Gateway gw, boolean cas, String readLevel, String runId, int keyCount, Duration budget) {
        this(gw, cas, readLevel, runId, keyCount, budget, "default");
    }

    KvWorkload(Gateway gw, boolean cas, String readLevel, String runId, int keyCount, Duration budget, String keyspace) {
        this.keyspace = keyspace;
        this.gw = gw;
        this.cas = cas;
        this.readLevel = readLevel;
        this.keys = Stream.iterate(0, i -> i + 1).limit(keyCount).map(i -> runId + "-" + i).toList();
        this.budget = budget;
    }

    /** Learns what the keyspace claims, which decides the checker: sequential keyspaces are judged as such. */
    @Override
    public void setup(HistoryRecorder rec) {
        Gateway.Reply r = gw.send("GET", "/api/kv/keyspaces", null, TIMEOUT);
        if (!r.ok()) return;
        try {
            for (var k : Gateway.JSON.readTree(r.body()).path("keyspaces")) {
                if (k.path("name").asText().equals(keyspace) && k.path("consistency").asText().equals("sequential")) claims = "sequential";
            }
        } catch (java.io.IOException e) {
            // unreadable listing: judged as linearizable, the stronger claim
        }
    }

    @Override
    public List<String> nodes() {
        return NODES;
    }

    @Override
    public boolean step(HistoryRecorder rec, String process, String node) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String key = keys.get(rnd.nextInt(keys.size()));
        double dice = rnd.nextDouble();
        if (cas && dice < 0.4) return compareAndSet(rec, process, node, key);
        if (dice < (cas ? 0.6 : 0.5)) return write(rec, process, node, key);
        read(rec, process, node, key, readLevel);
        return true;
    }

    private void read(HistoryRecorder rec, String process, String node, String key, String level) {
        HistoryRecorder.Pending p = rec.invoke(process, node, "read", key, null);
        Gateway.Reply r = gw.send("GET", path(key) + "?read=" + level, null, TIMEOUT, "X-Dsys-Node", node);
        if (r.status() == 200 || r.status() == 404) {
            Object v = r.status() == 404 ? null : parse(r.body());
            String etag = r.status() == 404 ? null : r.header("ETag");
            remember(process, key, new Seen(v, etag));
            p.ok(v, etag);
        } else {
            p.fail(r.describe()); // a read changes nothing: whatever happened, it can be left out
            backOff();
        }
    }

    private boolean write(HistoryRecorder rec, String process, String node, String key) {
        long v = nextValue.incrementAndGet();
        HistoryRecorder.Pending p = rec.invoke(process, node, "write", key, v);
        Gateway.Reply r = gw.send("PUT", path(key), Long.toString(v), TIMEOUT, "X-Dsys-Node", node, "Content-Type", "text/plain");
        return complete(p, r, process, key, v);
    }

    private boolean compareAndSet(HistoryRecorder rec, String process, String node, String key) {
        Seen s = seen.getOrDefault(process, Map.of()).get(key);
        if (s == null) { // nothing seen yet: learn the version first
            read(rec, process, node, key, "linearizable");
            return true;
        }
        long v = nextValue.incrementAndGet();
        HistoryRecorder.Pending p = rec.invoke(process, node, "cas", key, Arrays.asList(s.value(), v));
        Gateway.Reply r = s.etag() == null
                ? gw.send("PUT", path(key), Long.toString(v), TIMEOUT, "X-Dsys-Node", node, "Content-Type", "text/plain", "If-None-Match", "*")
                : gw.send("PUT", path(key), Long.toString(v), TIMEOUT, "X-Dsys-Node", node, "Content-Type", "text/plain", "If-Match", s.etag());
        if (r.status() == 412) seen.get(process).remove(key);
        return complete(p, r, process, key, v);
    }

    private boolean complete(HistoryRecorder.Pending p, Gateway.Reply r, String process, String key, long v) {
        if (r.ok()) {
            remember(process, key, new Seen(v, r.header("ETag")));
            p.ok(null, r.header("ETag"));
            return true;
        }
        if (r.certainlyNotApplied()) {
            p.fail(r.describe());
            if (r.status() >= 500 || r.status() == 0) backOff();
            return true;
        }
        p.info(r.describe());
        return false;
    }

    private void remember(String process, String key, Seen s) {
        seen.computeIfAbsent(process, x -> new ConcurrentHashMap<>()).put(key, s);
    }

    @Override
    public void finalReads(HistoryRecorder rec, String process) {
        int attempt = 0;
        for (String key : keys) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                String proc = process + "." + attempt++;
                HistoryRecorder.Pending p = rec.invoke(proc, null, "read", key, null);
                Gateway.Reply r = gw.send("GET", path(key) + "?read=linearizable", null, TIMEOUT);
                if (r.status() == 200 || r.status() == 404) {
                    p.ok(r.status() == 404 ? null : parse(r.body()), r.status() == 404 ? null : r.header("ETag"));
                    break;
                }
                p.fail(r.describe());
                sleep(500);
            }
        }
    }

    @Override
    public Judgement check(History history) {
        if (claims.equals("sequential")) return sequential(history);
        var model = cas ? RegisterModel.casRegister() : RegisterModel.register();
        LinearizabilityResult res = new LinearizabilityChecker(model, budget, LinearizabilityChecker.DEFAULT_MEMORY).check(history);
        Map<String, Judgement.KeyResult> perKey = new LinkedHashMap<>();
        Map<String, Integer> calls = new LinkedHashMap<>();
        history.callsByKey().forEach((k, cs) -> calls.put(k, cs.size()));
        res.keys().forEach((k, v) -> {
            SearchStats st = res.stats().get(k);
            perKey.put(k, new Judgement.KeyResult(v, calls.getOrDefault(k, 0), st == null ? "" : st.toString()));
        });
        List<Judgement.Finding> findings = new ArrayList<>();
        for (Counterexample c : res.counterexamples()) {
            List<Long> idx = new ArrayList<>();
            c.lastLinearized().forEach(x -> idx.add(x.invoke().index()));
            c.candidates().forEach(x -> idx.add(x.invoke().index()));
            findings.add(new Judgement.Finding(c.key(), c.toString(), idx));
        }
        res.stats().forEach((k, s) -> {
            if (s.exhausted() != null) {
                findings.add(new Judgement.Finding(k, "key " + k + ": unknown, " + s.exhausted().name().toLowerCase()
                        + " budget exhausted after " + s, List.of()));
            }
        });
        return new Judgement("linearizability (" + res.model() + ", Wing–Gong–Lowe, per key)", res.verdict(), perKey,
                findings, res.elapsedNanos(), res.toString().lines().findFirst().orElse(""));
    }

    /** A keyspace that claims sequential consistency, judged in the order of the versions it reported. */
    private static Judgement sequential(History history) {
        long t0 = System.nanoTime();
        CheckResult res = VersionOrderChecker.check(history);
        Map<String, Judgement.KeyResult> perKey = new LinkedHashMap<>();
        history.callsByKey().forEach((k, cs) -> {
            if (k == null) return;
            boolean bad = res.violations().stream().anyMatch(v -> v.startsWith("key " + k + ":"));
            perKey.put(k, new Judgement.KeyResult(bad ? Verdict.INVALID : Verdict.VALID, cs.size(), ""));
        });
        List<Judgement.Finding> findings = new ArrayList<>();
        for (String v : res.violations()) {
            String key = v.startsWith("key ") ? v.substring(4, v.indexOf(':')) : null;
            List<Long> idx = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("#(\\d+)").matcher(v);
            while (m.find()) idx.add(Long.parseLong(m.group(1)));
            findings.add(new Judgement.Finding(key, v, idx));
        }
        long calls = history.calls().stream().filter(c -> c.key() != null).count();
        return new Judgement("sequential consistency in the store's order of versions (one order of all writes, every "
                + "process's calls in program order)", res.verdict(), perKey, findings, System.nanoTime() - t0,
                res.verdict().label() + " (sequential, " + calls + " calls, " + perKey.size() + " keys)");
    }

    private String path(String key) {
        return "/api/kv/" + keyspace + "/" + key;
    }

    /** A value no client wrote (not a number) is kept as text: the checker then reports the read. */
    static Object parse(String body) {
        try {
            return Long.parseLong(body.trim());
        } catch (NumberFormatException e) {
            return body;
        }
    }

    /**
     * After a refusal from a node that is down or cut off: a pinned client would otherwise spin on fast 503s,
     * filling the history with calls that say nothing and taking CPU from the nodes under test.
     */
    static void backOff() {
        sleep(100);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
