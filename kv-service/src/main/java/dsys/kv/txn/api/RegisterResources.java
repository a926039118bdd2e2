package dsys.kv.txn.api;

import dsys.core.commit.ResourceManager;
import dsys.core.commit.TxnOp;
import dsys.core.commit.TxnRead;
import dsys.kv.quorum.KvReplies;
import dsys.core.env.Durable;
import dsys.kv.api.KvHost;
import dsys.kv.api.StoredValue;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.Derivation;
import dsys.kv.quorum.KvRequests;
import dsys.platform.host.Delays;
import dsys.platform.web.ProblemException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A kv node's resources as a 2PC/3PC participant: the keys' own registers. Prepare takes each key's lock with its
 * intent ({@link KvRequests.Lock}, a write chosen by a quorum like any other), commit and abort end them
 * ({@link KvRequests.Release}). So the intents survive this node (any coordinator sees the locks), and the
 * participant's own disk keeps only which keys each transaction locked, written before the first lock is asked
 * for, so a crash between the locks and the vote finds them to release. It is written lazily: the locks' accepts
 * leave without waiting for its fsync (the local accept's fsync takes it to disk, and the participant forces it
 * before its vote). A crash in that window can leave a lock chosen by the other replicas that no record here names;
 * its transaction never had this vote, so the coordinator aborts it, and the lock goes by lock resolution
 * ({@link DecidedLocks}) once that abort is on the decisions topic.
 *
 * <p>A decided transaction's releases are deferred up to {@code releaseDelayMs}: the next transaction to lock the key
 * here takes the release along in its own lock's round ({@link KvRequests.ReleaseThenLock}), so back-to-back
 * transactions on a key cost one round per key instead of two. The outcome is recorded here at once
 * ({@link DecidedLocks#learned}), and other nodes read it from the decisions topic, so a reader that meets the
 * lock meanwhile applies the release itself (lock resolution) instead of waiting for it.
 */
public final class RegisterResources implements ResourceManager {

    private static final String PREPARED = "txn.kv.", READS = "txn.kv-reads.";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final Durable disk;
    private final KvHost kv;
    private final Consumer<Runnable> onCore;
    /** Transactions whose releases are on their way, each with when they are all chosen (read by the lock retries' threads too). */
    private final Map<String, CompletableFuture<Void>> ending = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Keys whose releases are on their way from this node ({@code keyspace + "\0" + key}), with the transaction and
     * when its releases are all chosen: a prepare of another transaction waits for that before its first lock round.
     * Asked at once, the round found the key still locked and cost a prepare at every replica for a refusal (a third
     * of the transfers at 1 client, whose next transfer starts while the last one's releases are still going).
     */
    private final Map<String, Ending> releasing = new java.util.concurrent.ConcurrentHashMap<>();

    private record Ending(String txn, CompletableFuture<Void> done) {
    }

    /**
     * Releases waiting for their key's next lock here, by key ({@code keyspace + "\0" + key}), one per key (a second
     * transaction ending on the same key, a shared reader, releases at once). Taken out of the map exactly once:
     * by the lock that carries it, or by the timer that sends it alone.
     */
    private final Map<String, Deferred> deferred = new java.util.concurrent.ConcurrentHashMap<>();

    /** A key's release waiting to ride on the next lock; {@code done} completes once it is chosen. */
    private record Deferred(String keyspace, String key, String txn, boolean commit, String trace, CompletableFuture<Object> done) {
        KvRequests.Release request() {
            return new KvRequests.Release(key, txn, commit);
        }
    }

    /** How long a decided transaction's release waits to ride on its key's next lock; 0: released at once. */
    private final long releaseDelayMs;
    private final LockWaits waits;

    /** Keys released, by how: in the next lock's round, or in a round of their own (both outlive a crash's new object). */
    public record Releases(io.micrometer.core.instrument.Counter riding, io.micrometer.core.instrument.Counter alone) {
        /** {@code dsys.txn.participant.releases{how=riding|alone}}. */
        public static Releases in(io.micrometer.core.instrument.MeterRegistry registry) {
            return new Releases(registry.counter("dsys.txn.participant.releases", "how", "riding"),
                    registry.counter("dsys.txn.participant.releases", "how", "alone"));
        }
    }

    private final Releases releases;

    /** Transactions holding keys here (a prepared record on disk): the gauge {@code dsys.txn.participant.holding}. */
    private final java.util.concurrent.atomic.AtomicInteger holding;

    /** Outcomes of other transactions read here, to resolve their locks; null: none. */
    private final DecidedLocks decided;

    /** {@code onCore} runs a continuation on the participant core's thread (its host's {@code tell}). */
    public RegisterResources(Durable disk, KvHost kv, Consumer<Runnable> onCore) {
        this(disk, kv, onCore, new java.util.concurrent.atomic.AtomicInteger(), null, 0,
                Releases.in(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()), LockWaits.DEFAULT);
    }

    /**
     * {@code holding} outlives this object (a crash builds a new one): it is set again from the disk at recovery.
     * {@code decided}: what the decisions topic said of other transactions, to resolve their locks (null: none).
     */
    public RegisterResources(Durable disk, KvHost kv, Consumer<Runnable> onCore, java.util.concurrent.atomic.AtomicInteger holding,
                             DecidedLocks decided, long releaseDelayMs, Releases releases, LockWaits waits) {
        if (releaseDelayMs < 0) throw new IllegalArgumentException("releaseDelayMs must be 0 or more, got " + releaseDelayMs);
        this.releaseDelayMs = releaseDelayMs;
        this.waits = waits;
        this.releases = releases;
        this.disk = disk;
        this.kv = kv;
        this.onCore = onCore;
        this.holding = holding;
        this.decided = decided;
    }

    @Override
    public void prepare(String txn, List<TxnOp> ops, Consumer<String> done) {
        if (disk.get(PREPARED + txn).isEmpty()) holding.incrementAndGet();
        disk.putLazily(PREPARED + txn, encode(ops)); // the lock rounds' accepts leave without waiting for it (class comment)
        String trace = kv.currentTrace(); // the vote-request's: a lock asked later, after a wait, stays in it
        List<CompletableFuture<Object>> locks = ops.stream().map(op -> lock(txn, op, trace)).toList();
        CompletableFuture.allOf(locks.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> onCore.accept(() -> {
            String refusal = locks.stream().map(f -> f.getNow("no answer")).filter(r -> r instanceof String)
                    .map(String.class::cast).findFirst().orElse(null);
            if (refusal != null) {
                end(txn, false); // what was locked goes again; vote-abort
            } else {
                List<TxnRead> reads = new ArrayList<>();
                for (int i = 0; i < ops.size(); i++) {
                    if (locks.get(i).getNow(null) instanceof KvReplies.Value r) reads.add(read(ops.get(i), r));
                }
                if (!reads.isEmpty()) disk.putLazily(READS + txn, encodeReads(reads)); // forced with READY before the vote
            }
            done.accept(refusal);
        }));
    }

    private static TxnRead read(TxnOp op, KvReplies.Value v) {
        return new TxnRead(op.keyspace(), op.key(), v.found() ? new String(StoredValue.decode(v.value()).body(), StandardCharsets.UTF_8) : null,
                v.found() ? v.version().toString() : "0");
    }

    @Override
    public List<TxnRead> reads(String txn) {
        List<TxnRead> out = new ArrayList<>();
        disk.get(READS + txn).ifPresent(s -> {
            for (String line : s.split("\n")) {
                String[] f = line.split(" ", -1);
                out.add(new TxnRead(unb64(f[0]), unb64(f[1]), f[2].equals("-") ? null : unb64(f[2]), f[3]));
            }
        });
        return out;
    }

    /** One line per read: keyspace, key and value in base64 ("-": absent), and the version. */
    private static String encodeReads(List<TxnRead> reads) {
        List<String> lines = new ArrayList<>();
        for (TxnRead r : reads) lines.add(b64(r.keyspace()) + " " + b64(r.key()) + " " + (r.value() == null ? "-" : b64(r.value())) + " " + r.version());
        return String.join("\n", lines);
    }

    /** A String: why not; a {@link KvReplies.Value}: what a get read; anything else: locked with its intent. */
    private CompletableFuture<Object> lock(String txn, TxnOp op, String trace) {
        Ballot ifMatch;
        try {
            ifMatch = op.ifVersion() == null ? null : op.ifVersion().equals("0") ? Ballot.ZERO : Ballot.parse(op.ifVersion());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.<Object>completedFuture(op.key() + ": " + e.getMessage());
        }
        return lock(txn, op, ifMatch, trace);
    }

    /**
     * A key another transaction holds is asked again (within the coordinator's vote timeout): a transaction that just
     * committed releases its locks right after its client heard "committed", so the next transfer on the same account
     * would otherwise abort for nothing. A holder whose releases are on their way from this node is waited for exactly:
     * the lock is asked again the moment they are chosen (a client's back-to-back transfers meet this every time).
     * Any other holder is asked again after {@value #FIRST_RETRY_MS} ms, doubling up to {@value #LOCKED_RETRY_MS} ms,
     * as long as wait-die lets this transaction wait and its budget ({@link LockWaits#budgetMs}) lasts.
     */
    private CompletableFuture<Object> lock(String txn, TxnOp op, Ballot ifMatch, String trace) {
        long start = System.nanoTime();
        String slot = slot(op.keyspace(), op.key());
        Deferred riding = deferred.get(slot);
        if (riding != null && !riding.txn().equals(txn) && deferred.remove(slot, riding)) { // this lock's round releases it
            return attempt(txn, op, ifMatch, trace, start, waits.retries(), FIRST_RETRY_MS, riding)
                    .handle((v, t) -> t == null ? v : reason(op, t));
        }
        Ending last = releasing.get(slot);
        CompletableFuture<Void> released = last == null || last.txn().equals(txn) ? null
                : last.done().copy().orTimeout(waits.budgetMs(), TimeUnit.MILLISECONDS).handle((x, y) -> null);
        return (released == null ? CompletableFuture.<Void>completedFuture(null) : released)
                .thenCompose(x -> attempt(txn, op, ifMatch, trace, start, waits.retries(), FIRST_RETRY_MS, null))
                .handle((v, t) -> t == null ? v : reason(op, t));
    }

    /**
     * The lock, asked until it is taken or refused for good. {@code riding}: a deferred release the first round
     * carries; a definite answer (the lock, or its refusal: 409, 412) means that round was chosen, release included;
     * any other (no quorum, outcome unknown) sends the release on its own.
     */
    private CompletableFuture<Object> attempt(String txn, TxnOp op, Ballot ifMatch, String trace, long start, int retries, long delayMs,
                                              Deferred riding) {
        return call(txn, op, ifMatch, trace, riding).handle((v, t) -> {
            if (riding != null) {
                Throwable c = t == null ? null : cause(t);
                if (c == null || c instanceof ProblemException p && (p.status() == 409 || p.status() == 412)) {
                    releases.riding().increment();
                    riding.done().complete(v);
                } else {
                    releaseAlone(riding);
                }
            }
            if (t == null) return CompletableFuture.completedFuture(v);
            Throwable c = cause(t);
            if (retries <= 0 || !(c instanceof ProblemException p && p.status() == 409)) return CompletableFuture.<Object>failedFuture(c);
            String holder = WaitDie.holder(p.getMessage());
            CompletableFuture<Void> released = holder == null ? null : ending.get(holder);
            long left = waits.budgetMs() - (System.nanoTime() - start) / 1_000_000;
            if (released != null && left > 0) { // a copy: the timeout must not end the other waiters' wait
                return released.copy().orTimeout(left, TimeUnit.MILLISECONDS).handle((x, y) -> x)
                        .thenCompose(x -> attempt(txn, op, ifMatch, trace, start, retries - 1, delayMs, null));
            }
            Boolean outcome = decided == null || txn.equals(holder) ? null : decided.outcome(holder);
            if (outcome != null && left > 0) { // lock resolution: the holder ended elsewhere (DecidedLocks)
                return decided.release(op.keyspace(), op.key(), holder, outcome).handle((x, y) -> x)
                        .thenCompose(x -> attempt(txn, op, ifMatch, trace, start, retries - 1, delayMs, null));
            }
            if (left <= 0 || !mayWait(txn, holder, start)) return CompletableFuture.<Object>failedFuture(c);
            return Delays.after(delayMs)
                    .thenCompose(x -> attempt(txn, op, ifMatch, trace, start, retries - 1, Math.min(2 * delayMs, LOCKED_RETRY_MS), null));
        }).thenCompose(f -> f);
    }

    private CompletableFuture<Object> call(String txn, TxnOp op, Ballot ifMatch, String trace, Deferred riding) {
        Object lock = switch (op.op()) {
            case "put" -> new KvRequests.Lock(op.key(), txn, 'p', text(op.value()), ifMatch);
            case "delete" -> new KvRequests.Lock(op.key(), txn, 'd', null, ifMatch);
            case "get" -> new KvRequests.Lock(op.key(), txn, 'g', null, ifMatch);
            default -> add(txn, op, ifMatch);
        };
        return ask(op, riding == null ? lock : new KvRequests.ReleaseThenLock(riding.request(), lock), trace);
    }

    /**
     * Wait-die, with a little patience: a transaction waits for a key's holder as long as its budget allows if the
     * holder is ending here (its releases are on their way) or is younger; for an older holder it waits only
     * {@link LockWaits#olderHolderPatienceMs} (200 ms by default; most holders are just finishing), then dies
     * (vote-abort). So two transactions that each hold the key the other wants do not wait each other out until the
     * coordinator gives up on both: the younger gives way, the older goes on. Dying at once aborted 99 % of a
     * contended bank's transfers.
     */
    private boolean mayWait(String txn, String holder, long since) {
        if (holder == null || ending.containsKey(holder) || WaitDie.olderThan(txn, holder)) return true;
        return System.nanoTime() - since < waits.olderHolderPatienceMs() * 1_000_000;
    }

    /**
     * How long a prepare waits for its keys in all ({@code dsys.txn.lock-wait-ms}, 1000), and for a key an older
     * transaction holds before it dies ({@code dsys.txn.older-holder-patience-ms}, 200). The budget must stay well
     * inside the coordinator's vote timeout (txn-1's {@code dsys.txn.vote-timeout-ms}, 2000), so a live participant
     * always votes (vote-abort if need be) and is never taken for a silent one, which the coordinator routes around.
     */
    public record LockWaits(long budgetMs, long olderHolderPatienceMs) {
        public static final LockWaits DEFAULT = new LockWaits(1000, 200);

        public LockWaits {
            if (budgetMs <= 0) throw new IllegalArgumentException("the lock wait budget must be more than 0 ms, got " + budgetMs);
            if (olderHolderPatienceMs < 0 || olderHolderPatienceMs > budgetMs) {
                throw new IllegalArgumentException("the patience with an older holder must be 0.." + budgetMs + " ms (the budget), got "
                        + olderHolderPatienceMs);
            }
        }

        /** Enough askings to outlast the budget, which is what ends the wait: 2+4+8+16 ms, then one every 25 ms. */
        int retries() {
            return (int) Math.min(Integer.MAX_VALUE - 5L, budgetMs / LOCKED_RETRY_MS) + 5; // 45 for the default 1 s
        }
    }

    private static final long FIRST_RETRY_MS = 2, LOCKED_RETRY_MS = 25;

    /**
     * {@code call} again while it fails in a way {@code again} accepts, {@code retries} times at most: first after
     * {@code delayMs}, each wait twice the last up to {@code maxDelayMs}.
     */
    private static <T> CompletableFuture<T> retrying(java.util.function.Supplier<CompletableFuture<T>> call,
                                                     java.util.function.Predicate<Throwable> again, int retries,
                                                     long delayMs, long maxDelayMs) {
        return call.get().handle((v, t) -> {
            if (t == null) return CompletableFuture.completedFuture(v);
            if (retries <= 0 || !again.test(t)) return CompletableFuture.<T>failedFuture(cause(t));
            return Delays.after(delayMs)
                    .thenCompose(x -> retrying(call, again, retries - 1, Math.min(2 * delayMs, maxDelayMs), maxDelayMs));
        }).thenCompose(f -> f);
    }

    private static Throwable cause(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /**
     * Locks the key with the sum as its intent, computed from what the register holds inside the lock's own round
     * ({@link KvRequests.LockDerived}); below 0 or not a number: refused (412), vote-abort. Before, an add was a
     * linearizable read and then a lock under the version read: one quorum round more on every vote.
     */
    private static KvRequests.LockDerived add(String txn, TxnOp op, Ballot ifMatch) {
        long delta = Long.parseLong(op.value());
        return new KvRequests.LockDerived(op.key(), txn, current -> sum(op.key(), current, delta), ifMatch);
    }

    static Derivation.Derived sum(String key, String current, long delta) {
        long have;
        try {
            have = current == null ? 0 : Long.parseLong(new String(StoredValue.decode(current).body(), StandardCharsets.UTF_8).trim());
        } catch (RuntimeException e) { // not a number, or not a stored value at all; runs in the kv core: never throw
            return Derivation.Derived.refused(key + " does not hold a whole number");
        }
        long sum;
        try {
            sum = Math.addExact(have, delta);
        } catch (ArithmeticException e) {
            return Derivation.Derived.refused(key + " holds " + have + ", adding " + delta + " overflows");
        }
        if (sum < 0) return Derivation.Derived.refused(key + " holds " + have + ", cannot add " + delta);
        return Derivation.Derived.intent(text(Long.toString(sum)));
    }

    private CompletableFuture<Object> ask(TxnOp op, Object request, String trace) {
        return kv.call(op.keyspace(), request, Object.class, trace);
    }

    private static String reason(TxnOp op, Throwable t) {
        Throwable c = cause(t);
        return op.keyspace() + "/" + op.key() + ": " + (c instanceof ProblemException p ? p.getMessage() : c.toString());
    }

    @Override
    public void commit(String txn) {
        end(txn, true);
    }

    @Override
    public void abort(String txn) {
        end(txn, false);
    }

    /**
     * Releases every key, each until a quorum confirms it; the record goes once all are. Never called while the
     * transaction's locks are still being taken (the participant ends it once its prepare is done): released then,
     * a lock taken a moment later would stay, with no record left to release it by.
     */
    private void end(String txn, boolean commit) {
        List<String[]> keys = keys(txn);
        if (keys.isEmpty() || ending.containsKey(txn)) return; // nothing held, or ending already
        CompletableFuture<Void> done = new CompletableFuture<>();
        ending.put(txn, done);
        Ending mine = new Ending(txn, done);
        String trace = kv.currentTrace(); // the decision's: retries go on in it
        if (releaseDelayMs > 0 && decided != null) decided.learned(txn, commit); // readers here resolve the lock meanwhile
        List<CompletableFuture<Object>> releases = new ArrayList<>();
        for (String[] k : keys) {
            String slot = slot(k[0], k[1]);
            Deferred d = new Deferred(k[0], k[1], txn, commit, trace, new CompletableFuture<>());
            releases.add(d.done());
            if (releaseDelayMs > 0 && deferred.putIfAbsent(slot, d) == null) {
                Delays.run(releaseDelayMs, () -> {
                    if (deferred.remove(slot, d)) releaseAlone(d);
                });
            } else {
                releaseAlone(d);
            }
        }
        CompletableFuture.allOf(releases.toArray(CompletableFuture[]::new))
                .whenComplete((v, t) -> {
                    ending.remove(txn, done);
                    for (String[] k : keys) releasing.remove(slot(k[0], k[1]), mine);
                    done.complete(null);
                })
                .thenRun(() -> onCore.accept(() -> {
                    if (disk.get(PREPARED + txn).isPresent()) holding.decrementAndGet();
                    disk.remove(PREPARED + txn);
                    disk.remove(READS + txn);
                }));
    }

    /** The key of {@link #deferred} and {@link #releasing}: a keyspace's key. */
    private static String slot(String keyspace, String key) {
        return keyspace + "\0" + key;
    }

    /** {@code d}'s release in a round of its own; the next lock here on its key waits for it. */
    private void releaseAlone(Deferred d) {
        CompletableFuture<Void> all = ending.get(d.txn());
        if (all != null) releasing.put(slot(d.keyspace(), d.key()), new Ending(d.txn(), all));
        release(d.keyspace(), d.key(), d.txn(), d.commit(), d.trace()).whenComplete((v, t) -> {
            if (t != null) {
                d.done().completeExceptionally(t);
                return;
            }
            releases.alone().increment();
            d.done().complete(v);
        });
    }

    /** Until a quorum confirms it, 100 times at most (every 200 ms); the next start ends it again otherwise. */
    private CompletableFuture<Object> release(String keyspace, String key, String txn, boolean commit, String trace) {
        return retrying(() -> kv.call(keyspace, new KvRequests.Release(key, txn, commit), Object.class, trace), t -> true, 100, 200, 200);
    }

    @Override
    public void recover() {
        // the locks live in the registers; the records are read when needed
        holding.set(disk.scan(PREPARED).size());
    }

    @Override
    public boolean holds(String txn) {
        return disk.get(PREPARED + txn).isPresent();
    }

    @Override
    public Set<String> prepared() {
        Set<String> out = new TreeSet<>();
        for (String k : disk.scan(PREPARED).keySet()) out.add(k.substring(PREPARED.length()));
        return out;
    }

    @Override
    public Map<String, String> locks() {
        Map<String, String> out = new TreeMap<>();
        for (String txn : prepared()) for (String[] k : keys(txn)) out.put(k[0] + "/" + k[1], txn);
        return out;
    }

    private List<String[]> keys(String txn) {
        List<String[]> out = new ArrayList<>();
        disk.get(PREPARED + txn).ifPresent(s -> {
            for (String line : s.split("\n")) {
                int i = line.indexOf(' ');
                if (i > 0) out.add(new String[]{unb64(line.substring(0, i)), unb64(line.substring(i + 1))});
            }
        });
        return out;
    }

    /** One line per distinct key: keyspace and key in base64 (any characters), a space between. */
    private static String encode(List<TxnOp> ops) {
        Set<String> lines = new LinkedHashSet<>();
        for (TxnOp op : ops) lines.add(b64(op.keyspace()) + " " + b64(op.key()));
        return String.join("\n", lines);
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(java.util.Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }

    private static String text(String value) {
        return new StoredValue(TEXT, value.getBytes(StandardCharsets.UTF_8)).encode();
    }
}
