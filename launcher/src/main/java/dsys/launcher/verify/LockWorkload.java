package dsys.launcher.verify;

import com.fasterxml.jackson.databind.JsonNode;
import dsys.verifier.CheckResult;
import dsys.verifier.Verdict;
import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;
import dsys.verifier.lock.LockChecker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code lock}: each client acquires one of a few locks with a lease, writes the fenced resource with its token,
 * and releases, through the gateway. Judged by the verifier's {@link LockChecker} from the clients' side: no two
 * owners certainly hold a lock at once (leases counted by the one clock of this recorder, with the service's ρ),
 * tokens grow in grant order, the resource never accepts a stale token.
 */
final class LockWorkload implements Workload {

    private static final List<String> NODES = List.of("lock-1", "lock-2", "lock-3");
    /** The gateway's lock route answers 504 after 35 s; the client waits longer so the gateway speaks first. */
    private static final Duration TIMEOUT = Duration.ofSeconds(40);
    /** The service's bound on clock rates (dsys.lock.rho default). */
    private static final double RHO = 1e-3;
    private static final Pattern INDEX = Pattern.compile("index (\\d+)");
    private static final Pattern LOCK = Pattern.compile("^lock (\\S+):");

    private final Gateway gw;
    private final List<String> locks;
    private final long leaseMs;
    private final long waitMs;

    LockWorkload(Gateway gw, String runId, int lockCount, long leaseMs, long waitMs) {
        this.gw = gw;
        this.locks = Stream.iterate(0, i -> i + 1).limit(lockCount).map(i -> runId + "-lock-" + i).toList();
        this.leaseMs = leaseMs;
        this.waitMs = waitMs;
    }

    @Override
    public List<String> nodes() {
        return NODES;
    }

    /** acquire → use (fenced write) → release; false as soon as one of them ends unknown. */
    @Override
    public boolean step(HistoryRecorder rec, String process, String node) {
        String lock = locks.get(ThreadLocalRandom.current().nextInt(locks.size()));
        String owner = "o" + process;
        HistoryRecorder.Pending acq = rec.invoke(process, node, "acquire", lock, owner);
        Gateway.Reply r = post(lock, "acquire", "{\"owner\":\"" + owner + "\",\"leaseMs\":" + leaseMs + ",\"waitMs\":" + waitMs + "}", node);
        if (!r.ok()) return end(acq, r);
        long token;
        try {
            JsonNode b = Gateway.JSON.readTree(r.body());
            token = b.path("fencingToken").asLong();
            acq.ok(Map.of("owner", owner, "token", token, "leaseMs", b.path("leaseMs").asLong(leaseMs)));
        } catch (IOException e) {
            acq.info("unreadable grant: " + e.getMessage());
            return false;
        }
        HistoryRecorder.Pending use = rec.invoke(process, node, "use", lock, Map.of("token", token));
        Gateway.Reply w = post(lock, "fenced-write", "{\"token\":" + token + ",\"value\":\"" + owner + "\"}", node);
        if (w.ok() && w.body().contains("\"accepted\":true")) {
            use.ok();
        } else if (w.ok()) {
            use.fail("200 without accepted: true");
        } else if (!end(use, w)) {
            return false;
        }
        HistoryRecorder.Pending rel = rec.invoke(process, node, "release", lock, Map.of("owner", owner, "token", token));
        Gateway.Reply x = post(lock, "release", "{\"owner\":\"" + owner + "\",\"fencingToken\":" + token + "}", node);
        if (x.ok()) {
            rel.ok();
            return true;
        }
        return end(rel, x);
    }

    /** Records a refused or unknown outcome; true if the process may go on. */
    private static boolean end(HistoryRecorder.Pending p, Gateway.Reply r) {
        if (r.certainlyNotApplied()) {
            p.fail(r.describe());
            if (r.status() >= 500 || r.status() == 0) KvWorkload.backOff();
            return true;
        }
        p.info(r.describe());
        return false;
    }

    private Gateway.Reply post(String lock, String what, String json, String node) {
        return gw.send("POST", "/api/locks/" + lock + "/" + what, json, TIMEOUT, "X-Dsys-Node", node,
                "Content-Type", "application/json");
    }

    @Override
    public void finalReads(HistoryRecorder rec, String process) {
        // Nothing to read back: a lock's safety is in the grants the clients saw, not in state left behind.
    }

    @Override
    public Judgement check(History history) {
        long t0 = System.nanoTime();
        CheckResult res = new LockChecker(Duration.ofMillis(leaseMs).toNanos(), RHO).check(history);
        long elapsed = System.nanoTime() - t0;
        Map<String, Judgement.KeyResult> perKey = new LinkedHashMap<>();
        List<Judgement.Finding> findings = new ArrayList<>();
        for (String v : res.violations()) {
            Matcher k = LOCK.matcher(v);
            List<Long> idx = new ArrayList<>();
            Matcher m = INDEX.matcher(v);
            while (m.find()) idx.add(Long.parseLong(m.group(1)));
            findings.add(new Judgement.Finding(k.find() ? k.group(1) : null, v, idx));
        }
        history.callsByKey().forEach((lock, calls) -> {
            boolean bad = findings.stream().anyMatch(f -> lock.equals(f.key()));
            long grants = calls.stream().filter(c -> c.f().equals("acquire") && c.isOk()).count();
            perKey.put(lock, new Judgement.KeyResult(bad ? Verdict.INVALID : Verdict.VALID, calls.size(), grants + " grants"));
        });
        return new Judgement("lock safety (LockChecker: exclusion with leases, ρ = " + RHO + "; token order; fencing)",
                res.verdict(), perKey, findings, elapsed, res.verdict().label() + ", " + res.violations().size() + " violations");
    }
}
