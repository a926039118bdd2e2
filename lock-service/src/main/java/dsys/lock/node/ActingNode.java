package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.node.NodeId;
import dsys.lock.fenced.IssuedTokens;
import dsys.lock.lease.Hold;
import dsys.lock.lease.HoldInfo;
import dsys.lock.lease.HoldKey;
import dsys.lock.lease.HoldTable;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockReplies.Messages;
import dsys.lock.node.LockReplies.Released;
import dsys.lock.node.LockReplies.Renewed;
import dsys.lock.node.LockRequests.Acquire;
import dsys.lock.quorum.EpochInfo;
import dsys.lock.stats.LockStats;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The node acting for the clients that call it: it queues their acquires until the algorithm grants or their
 * wait runs out, keeps their holds and leases (durably, before they hear "granted"), renews and releases them,
 * and ends a lease that ran out. Lease times are this node's {@code Env.nanoTime()}. A grant or renewal is answered
 * once a majority recorded it ({@link HoldReplication}).
 */
final class ActingNode {

    record WaitDeadline(String name, long seq) {
    }

    record HoldExpiry(String name, long token) {
    }

    /** A waiter queued again after its grant was given back: the algorithm hears of it once the step is over. */
    record Requeued(String name, long seq) {
    }

    private final LockNodeCore node;
    private final Env env;
    private final LockConfig config;
    private final HoldTable holds;
    private final IssuedTokens issued;
    private final Waiters waiters;
    private final LockStats stats;
    private final String boot;
    private HoldReplication replication;
    private long seq;
    /** Waits a client's side may withdraw (see {@link #withdraw}), by their waiter id. */
    private final Map<String, Waiter> withdrawable = new HashMap<>();
    private final Map<Waiter, String> waiterIds = new HashMap<>();
    /** Holds whose client has not heard of them yet: their entry counts once answered, their exit only then. */
    private final Set<HoldKey> unheard = new HashSet<>();
    /** Grants to withdrawable waits, lately: a withdrawal that races the grant releases it. */
    private final Map<String, Long> grantedTo = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > 1024;
        }
    };

    /** {@code boot} differs for every start of the node, so waiter keys never repeat across crashes. */
    ActingNode(LockNodeCore node, Env env, LockConfig config, HoldTable holds, IssuedTokens issued, Waiters waiters,
               LockStats stats, String boot) {
        this.node = node;
        this.env = env;
        this.config = config;
        this.holds = holds;
        this.issued = issued;
        this.waiters = waiters;
        this.stats = stats;
        this.boot = boot;
    }

    void replication(HoldReplication replication) {
        this.replication = replication;
    }

    /** Answers to the client wait at most this long for the majority's records. */
    private long recordDeadline(long now, long expires) {
        return Math.min(expires, now + config.gatherTimeoutMs() * 1_000_000L);
    }

    // ---- acquire and wait -------------------------------------------------------------------------------------

    void acquire(RequestId request, Acquire a) {
        Rejection bad = Validation.acquire(a, config);
        if (bad != null) {
            env.reply(request, bad);
            return;
        }
        if (holds.get(a.name()).filter(h -> h.owner().equals(a.owner())).isPresent()) {
            env.reply(request, Rejection.conflict("already-held", "'" + a.owner() + "' already holds '" + a.name()
                    + "' through " + env.self() + "; renew it or release it first"));
            return;
        }
        long now = env.nanoTime();
        env.emit("lock.request", Map.of("name", a.name(), "owner", a.owner(), "leaseMs", a.leaseMs(),
                "waitMs", a.waitMs(), "algorithm", node.algorithmName()));
        Waiter w = queue(request, a.name(), a.owner(), a.leaseMs(), now, now + a.waitMs() * 1_000_000L,
                a.waiter() != null && !withdrawable.containsKey(a.waiter()) ? a.waiter() : null);
        node.algorithm().ifPresent(alg -> alg.onWaiter(w));
    }

    /** Adds a waiter (its wait ends at {@code waitUntilNanos}); the caller tells the algorithm of the epoch. */
    private Waiter queue(RequestId request, String name, String owner, long leaseMs, long arrivedNanos,
                         long waitUntilNanos, String waiterId) {
        long s = ++seq;
        Waiter w = new Waiter(request, name, owner, leaseMs, arrivedNanos, waitUntilNanos, s, boot,
                env.after(Duration.ofNanos(Math.max(0, waitUntilNanos - env.nanoTime())), new WaitDeadline(name, s)));
        waiters.add(w);
        if (waiterId != null) {
            withdrawable.put(waiterId, w);
            waiterIds.put(w, waiterId);
        }
        return w;
    }

    /** The waiter of {@code name} with this {@code seq}, if it still waits. */
    private Optional<Waiter> waiter(String name, long seq) {
        return waiters.of(name).stream().filter(x -> x.seq() == seq).findFirst();
    }

    private void waitExpired(WaitDeadline d) {
        Optional<Waiter> w = waiter(d.name(), d.seq());
        if (w.isEmpty()) return;
        stats.denial(node.algorithmName());
        env.emit("lock.deny", Map.of("name", d.name(), "owner", w.get().owner(), "algorithm", node.algorithmName(),
                "epoch", node.epoch().number()));
        giveUp(w.get(), Rejection.conflict("not-granted", "'" + d.name() + "' was not granted to '"
                + w.get().owner() + "' within waitMs (" + node.whyNotGranted(d.name()) + ")"));
    }

    private void giveUp(Waiter w, Rejection why) {
        waiters.remove(w);
        String id = waiterIds.remove(w);
        if (id != null) withdrawable.remove(id);
        env.cancel(w.deadline());
        env.reply(w.request(), why);
        node.algorithm().ifPresent(alg -> alg.onWaiterGone(w));
    }

    /**
     * The client of a queued acquire has gone (the gateway saw it disconnect, or timed it out): the wait is
     * withdrawn, so the lock goes to the next waiter instead of to nobody for a whole lease; if the grant came
     * first, the hold is released at once. Null when there is nothing (left) to withdraw.
     */
    LockReplies.Withdrawn withdraw(String name, String waiter) {
        Waiter w = withdrawable.get(waiter);
        if (w != null && w.name().equals(name)) {
            env.emit("lock.withdraw", Map.of("name", name, "owner", w.owner(), "algorithm", node.algorithmName()));
            giveUp(w, Rejection.conflict("withdrawn", "the client of this acquire has gone; it was withdrawn"));
            return new LockReplies.Withdrawn(name, waiter, "withdrawn");
        }
        Long token = grantedTo.remove(waiter);
        Optional<Hold> h = holds.get(name).filter(x -> token != null && x.token() == token);
        if (h.isEmpty()) return null;
        release(name, h.get().owner(), token);
        return new LockReplies.Withdrawn(name, waiter, "released");
    }

    /** See {@link LockContext#grant}. */
    boolean grant(Waiter w, long token, long leaseStartNanos, double delayMessages, Map<String, Integer> cost,
                  NodeId recordedBy) {
        long now = env.nanoTime();
        long expires = leaseStartNanos + w.leaseMs() * 1_000_000L;
        if (!waiters.contains(w) || expires <= now) return false;
        waiters.remove(w);
        env.cancel(w.deadline());
        String id = waiterIds.remove(w);
        if (id != null) {
            withdrawable.remove(id);
            grantedTo.put(id, token);
        }
        EpochInfo e = node.epoch();
        Hold h = new Hold(w.name(), w.owner(), token, w.leaseMs(), e.number(), e.algorithm(), now, expires, false);
        holds.put(h);
        HoldKey key = new HoldKey(h.name(), token);
        unheard.add(key);
        issued.granted(h.name(), token);   // same step, same fsync: what the fenced resource verifies tokens by
        armExpiry(h);
        long waitedMs = (now - w.arrivedNanos()) / 1_000_000L;
        Messages m = Messages.of(cost);
        env.emit("lock.grant", Map.of("name", w.name(), "owner", w.owner(), "token", token, "leaseMs", w.leaseMs(),
                "algorithm", e.algorithm(), "epoch", e.number(), "waitedMs", waitedMs,
                "delayMessages", delayMessages, "messages", m.count(), "remainingNanos", expires - now));
        replication.replicate(new HoldInfo(h.name(), h.owner(), token, h.leaseMs(), h.leaseMs()),
                recordDeadline(now, expires), () -> {
                    long at = env.nanoTime();
                    Optional<Hold> still = holds.get(h.name()).filter(x -> x.token() == token && x.expiresNanos() > at);
                    if (still.isEmpty()) {
                        env.reply(w.request(), Rejection.conflict("not-granted", "'" + h.name()
                                + "' ended before a majority recorded its grant"));
                        return;
                    }
                    unheard.remove(key);
                    stats.entry(e.algorithm(), m.count() > 0, delayMessages, waitedMs); // an entry the client heard of
                    env.reply(w.request(), new Granted(w.name(), w.owner(), token, clockMs(expires - at),
                            w.leaseMs(), e.algorithm(), e.number(), env.self().value(), m, waitedMs, delayMessages));
                }, () -> {
                    // the client never heard of it: give the lock back rather than leave it idle for a lease
                    if (holds.get(h.name()).filter(x -> x.token() == token).isPresent()) {
                        release(h.name(), h.owner(), token);
                    }
                    boolean withdrawn = id != null && !Long.valueOf(token).equals(grantedTo.get(id));
                    if (node.epoch().number() != e.number() && w.waitUntilNanos() > env.nanoTime() && !withdrawn) {
                        // the recorders had moved to a newer epoch: the client still waits, so it waits there
                        if (id != null) grantedTo.remove(id);
                        env.emit("lock.requeue", Map.of("name", w.name(), "owner", w.owner(), "token", token,
                                "epoch", e.number()));
                        // not told to the algorithm here: this may run amid a release or an expiry, before the
                        // algorithm has heard that the hold ended (it would grant a name it still counts as held)
                        Waiter again = queue(w.request(), w.name(), w.owner(), w.leaseMs(), w.arrivedNanos(),
                                w.waitUntilNanos(), id);
                        env.after(Duration.ZERO, new Requeued(again.name(), again.seq()));
                        return;
                    }
                    env.reply(w.request(), Rejection.conflict("not-granted", "'" + h.name() + "' was granted at "
                            + env.self() + " but no majority recorded it in time (" + node.whyNotGranted(h.name()) + ")"));
                }, recordedBy);
        return true;
    }

    // ---- renew and release at this node -----------------------------------------------------------------------

    /** The hold of {@code name} if {@code owner} holds it with {@code token}, else why not. */
    Object checkHolder(String name, String owner, long token) {
        Optional<Hold> h = holds.get(name);
        if (h.isEmpty()) {
            return Rejection.conflict("not-holder", "'" + name + "' is not held through " + env.self()
                    + " (released, expired, or never granted)");
        }
        if (h.get().token() != token) {
            return Rejection.conflict("stale-token", "fencing token " + token + " is not the current grant of '"
                    + name + "': the lock was granted again since");
        }
        if (!h.get().owner().equals(owner)) {
            return Rejection.conflict("not-holder", "'" + name + "' is held by another owner, not '" + owner + "'");
        }
        return h.get();
    }

    void renew(RequestId request, String name, String owner, long token) {
        Object c = checkHolder(name, owner, token);
        Optional<MutexAlgorithm> algorithm = node.algorithm();
        if (c instanceof Rejection r) {
            answer(request, r);
        } else if (((Hold) c).expiresNanos() <= env.nanoTime()) {
            answer(request, Rejection.conflict("not-holder", "the lease on '" + name + "' has run out"));
        } else if (((Hold) c).restored()) {
            answer(request, Rejection.conflict("lease-unknown", env.self() + " restarted while '" + name
                    + "' was held: its lease runs out and cannot be renewed; acquire it again"));
        } else if (algorithm.isEmpty()) {
            answer(request, Rejection.unavailable("an epoch change is in progress on " + env.self() + "; retry"));
        } else {
            algorithm.get().renew(request, (Hold) c);
        }
    }

    /** See {@link LockContext#renewed}. */
    void renewed(RequestId request, Hold h, long expiresNanos) {
        Optional<Hold> now = holds.get(h.name())
                .filter(x -> x.token() == h.token() && x.expiresNanos() > env.nanoTime());
        if (now.isEmpty()) {
            answer(request, Rejection.conflict("not-holder", "'" + h.name() + "' ended while renewing"));
            return;
        }
        // extended here at once (longer at its own node is safe); the client hears of it once a majority recorded it
        long before = now.get().expiresNanos();
        holds.extend(h.name(), expiresNanos);
        stats.renewal(node.algorithmName());
        env.emit("lock.renew", Map.of("name", h.name(), "owner", h.owner(), "token", h.token(),
                "leaseMs", h.leaseMs(), "remainingNanos", expiresNanos - env.nanoTime()));
        replication.replicate(new HoldInfo(h.name(), h.owner(), h.token(), h.leaseMs(), h.leaseMs()),
                recordDeadline(env.nanoTime(), before),
                () -> answer(request, new Renewed(h.name(), h.owner(), h.token(),
                        clockMs(expiresNanos - env.nanoTime()))),
                () -> answer(request, Rejection.conflict("not-holder", "the renewal of '" + h.name()
                        + "' was not recorded by a majority in time; the lease runs out as before")));
    }

    /** Returns {@link Released} or a {@link Rejection}. */
    Object release(String name, String owner, long token) {
        Object c = checkHolder(name, owner, token);
        if (c instanceof Rejection r) return r;
        Hold h = (Hold) c;
        holds.remove(name);
        HoldKey key = new HoldKey(name, token);
        replication.ended(key);
        long heldMs = (env.nanoTime() - h.grantedNanos()) / 1_000_000L;
        if (!unheard.remove(key)) stats.exit(node.algorithmName(), heldMs, false);
        // the release is recorded before the algorithm hands the lock on (which may grant it right here)
        env.emit("lock.release", Map.of("name", name, "owner", owner, "token", token, "heldMs", heldMs,
                "algorithm", node.algorithmName()));
        Map<String, Integer> cost = node.algorithm().map(alg -> alg.onHoldEnded(h)).orElse(Map.of());
        return new Released(name, owner, token, heldMs, Messages.of(cost));
    }

    /** Replies to a client, or to the node that relayed its renewal here. */
    void answer(RequestId request, Object result) {
        if (!node.relayed(request, result)) env.reply(request, result);
    }

    // ---- leases -----------------------------------------------------------------------------------------------

    /** After a restart: the restored holds expire like any other. */
    void armExpiries() {
        holds.all().forEach(this::armExpiry);
    }

    private void armExpiry(Hold h) {
        long delay = Math.max(0, h.expiresNanos() - env.nanoTime());
        env.after(Duration.ofNanos(delay), new HoldExpiry(h.name(), h.token()));
    }

    private void holdExpired(HoldExpiry x) {
        Optional<Hold> h = holds.get(x.name()).filter(y -> y.token() == x.token());
        if (h.isEmpty()) return;
        if (env.nanoTime() < h.get().expiresNanos()) {
            armExpiry(h.get());
            return;
        }
        holds.remove(x.name());
        HoldKey key = new HoldKey(x.name(), x.token());
        replication.ended(key);
        long heldMs = (env.nanoTime() - h.get().grantedNanos()) / 1_000_000L;
        if (!unheard.remove(key)) stats.exit(node.algorithmName(), heldMs, true);
        env.emit("lock.expire", Map.of("name", x.name(), "owner", h.get().owner(), "token", x.token(),
                "heldMs", heldMs));
        node.algorithm().ifPresent(alg -> alg.onHoldEnded(h.get()));
    }

    boolean handlesTimer(Object t) {
        return t instanceof WaitDeadline || t instanceof HoldExpiry || t instanceof Requeued;
    }

    void onTimer(Object t) {
        if (t instanceof WaitDeadline d) waitExpired(d);
        else if (t instanceof HoldExpiry x) holdExpired(x);
        else if (t instanceof Requeued r) {
            waiter(r.name(), r.seq()).ifPresent(w -> node.algorithm().ifPresent(alg -> alg.onWaiter(w)));
        }
    }

    /** A time for people: this node's clock, {@code remainingNanos} from now, in ms. */
    long clockMs(long remainingNanos) {
        return env.clock().millis() + Math.max(0, remainingNanos) / 1_000_000L;
    }
}
