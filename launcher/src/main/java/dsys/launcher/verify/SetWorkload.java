package dsys.launcher.verify;

import dsys.verifier.history.History;
import dsys.verifier.history.HistoryRecorder;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code set}: writes, deletes and reads of a few keys of an eventual keyspace ({@code --keyspace}, default
 * {@code eventual}), each call at a random kv node, so a client's session moves between replicas. Clients in even
 * slots ask for all four session guarantees and send back the {@code X-Dsys-Session} token each reply carried; the
 * others send neither header. Every ok call records the version it saw (ETag, or a 404's death certificate), and
 * the asking ones their session, for {@link SetJudgement}. After the heal, each replica's own copy of every key is
 * read ({@code ?read=one} pinned to the node) until the replicas agree twice in a row or {@code --converge-s}
 * (30) pass; then they are judged as they are.
 */
final class SetWorkload implements Workload {

    static final String GUARANTEES = "read-your-writes,monotonic-reads,monotonic-writes,writes-follow-reads";
    /** The process prefix of the replica reads after the heal; {@link SetJudgement} takes the states from them. */
    static final String FINAL = "final.";
    private static final List<String> NODES = List.of("kv-1", "kv-2", "kv-3");
    /** The gateway answers 504 after 10 s on kv routes; the client waits a little longer so the gateway speaks first. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern DELETED_AT = Pattern.compile("deleted at version ([0-9]+\\.[^) ]*)");

    private final Gateway gw;
    private final String keyspace;
    private final List<String> keys;
    private final int concurrency;
    private final Duration convergeWithin;
    private final PrintStream out;
    private final AtomicLong nextValue = new AtomicLong();
    /** process → the last session token its replies carried (asking processes only). */
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    SetWorkload(Gateway gw, String keyspace, String runId, int keyCount, int concurrency, Duration convergeWithin, PrintStream out) {
        this.gw = gw;
        this.keyspace = keyspace;
        this.keys = Stream.iterate(0, i -> i + 1).limit(keyCount).map(i -> runId + "-" + i).toList();
        this.concurrency = concurrency;
        this.convergeWithin = convergeWithin;
        this.out = out;
    }

    @Override
    public List<String> nodes() {
        return NODES;
    }

    /** Even client slots ask for the guarantees; a slot's later processes (after an unknown outcome) too. */
    boolean asks(String process) {
        return Integer.parseInt(process) % concurrency % 2 == 0;
    }

    @Override
    public boolean step(HistoryRecorder rec, String process, String pinned) {
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        String key = keys.get(rnd.nextInt(keys.size()));
        String node = NODES.get(rnd.nextInt(NODES.size())); // not the pinned node: sessions must move to matter
        double dice = rnd.nextDouble();
        if (dice < 0.45) {
            long v = nextValue.incrementAndGet();
            return write(rec, process, node, "write", key, v, "PUT", Long.toString(v));
        }
        if (dice < 0.6) return write(rec, process, node, "delete", key, null, "DELETE", null);
        read(rec, process, node, key);
        return true;
    }

    private boolean write(HistoryRecorder rec, String process, String node, String f, String key, Long v, String method, String body) {
        HistoryRecorder.Pending p = rec.invoke(process, node, session(process), f, key, v);
        Gateway.Reply r = gw.send(method, path(key), body, TIMEOUT, headers(process, node, body != null));
        if (r.ok()) {
            keepToken(process, r);
            p.ok(v, etag(r));
            return true;
        }
        if (r.certainlyNotApplied()) {
            p.fail(r.describe());
            if (r.status() >= 500 || r.status() == 0) KvWorkload.backOff();
            return true;
        }
        p.info(r.describe());
        tokens.remove(process); // the process ends here; its session with it
        return false;
    }

    private void read(HistoryRecorder rec, String process, String node, String key) {
        HistoryRecorder.Pending p = rec.invoke(process, node, session(process), "read", key, null);
        Gateway.Reply r = gw.send("GET", path(key), null, TIMEOUT, headers(process, node, false));
        if (r.status() == 200) {
            keepToken(process, r);
            p.ok(KvWorkload.parse(r.body()), etag(r));
        } else if (r.status() == 404 && "no-such-key".equals(r.problem())) {
            p.ok(null, deletedAt(r.detail())); // a 404 carries no token: the session's stays as it was
        } else {
            p.fail(r.describe());
            KvWorkload.backOff();
        }
    }

    private String session(String process) {
        return asks(process) ? process : null;
    }

    private String[] headers(String process, String node, boolean body) {
        List<String> h = new ArrayList<>(List.of("X-Dsys-Node", node));
        if (body) h.addAll(List.of("Content-Type", "text/plain"));
        if (asks(process)) {
            h.addAll(List.of("X-Dsys-Guarantees", GUARANTEES));
            String token = tokens.get(process);
            if (token != null) h.addAll(List.of("X-Dsys-Session", token));
        }
        return h.toArray(String[]::new);
    }

    private void keepToken(String process, Gateway.Reply r) {
        String t = r.header("X-Dsys-Session");
        if (asks(process) && t != null) tokens.put(process, t);
    }

    private static String etag(Gateway.Reply r) {
        String e = r.header("ETag");
        return e == null ? null : e.replace("W/", "").replace("\"", "").strip();
    }

    /** A 404's version: its death certificate's ({@code ... (deleted at version 1712.kv-2)}), else {@code 0.}. */
    static String deletedAt(String detail) {
        Matcher m = DELETED_AT.matcher(detail == null ? "" : detail);
        return m.find() ? m.group(1) : "0.";
    }

    /**
     * Each replica's own copy of every key and its version, recorded as reads by process {@code final.<node>}, round after round
     * until all answered and agreed in two rounds in a row (anti-entropy quiet), or the time is up.
     */
    @Override
    public void finalReads(HistoryRecorder rec, String process) {
        long deadline = System.nanoTime() + convergeWithin.toNanos();
        Map<String, Map<String, Object>> previous = null;
        int round = 0;
        while (true) {
            round++;
            Map<String, Map<String, Object>> states = new LinkedHashMap<>();
            int missing = 0;
            for (String node : NODES) {
                Map<String, Object> held = new LinkedHashMap<>();
                for (String key : keys) {
                    Object v = readReplica(rec, node, key);
                    if (v == NO_ANSWER) missing++;
                    else held.put(key, v);
                }
                states.put(node, held);
            }
            long differ = keys.stream().filter(k -> states.values().stream().map(m -> m.get(k)).distinct().count() > 1).count();
            boolean agree = missing == 0 && differ == 0;
            if (agree && states.equals(previous)) {
                out.printf("  replicas agree on %d key(s) after %d round(s)%n", keys.size(), round);
                return;
            }
            if (System.nanoTime() > deadline) {
                out.printf("  gave up waiting after %d round(s): %d key(s) differ, %d replica read(s) unanswered%n", round, differ, missing);
                return;
            }
            if (!agree) out.printf("  round %d: %d of %d key(s) differ between replicas, %d read(s) unanswered; waiting%n", round, differ, keys.size(), missing);
            previous = agree ? states : null;
            KvWorkload.sleep(1000);
        }
    }

    private static final Object NO_ANSWER = new Object();

    private Object readReplica(HistoryRecorder rec, String node, String key) {
        HistoryRecorder.Pending p = rec.invoke(FINAL + node, node, "read", key, null);
        Gateway.Reply r = gw.send("GET", path(key) + "?read=one", null, TIMEOUT, "X-Dsys-Node", node);
        if (r.status() == 200 || r.status() == 404 && "no-such-key".equals(r.problem())) {
            Object v = r.status() == 404 ? null : KvWorkload.parse(r.body());
            p.ok(v, r.status() == 404 ? deletedAt(r.detail()) : etag(r));
            return v;
        }
        p.fail(r.describe());
        return NO_ANSWER;
    }

    @Override
    public Judgement check(History history) {
        return SetJudgement.judge(history, NODES);
    }

    private String path(String key) {
        return "/api/kv/" + keyspace + "/" + key;
    }
}
