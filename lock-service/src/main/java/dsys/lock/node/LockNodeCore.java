package dsys.lock.node;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.election.Election;
import dsys.lock.election.Leadership;
import dsys.lock.fenced.FencedResource;
import dsys.lock.lease.Fencing;
import dsys.lock.lease.Hold;
import dsys.lock.lease.HoldInfo;
import dsys.lock.lease.HoldTable;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockReplies.Messages;
import dsys.lock.node.LockReplies.Released;
import dsys.lock.node.LockReplies.Renewed;
import dsys.lock.node.LockRequests.Acquire;
import dsys.lock.quorum.Connectivity;
import dsys.lock.quorum.EpochInfo;
import dsys.lock.quorum.EpochManager;
import dsys.lock.quorum.QuorumMessages.Commit;
import dsys.lock.stats.LockStats;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One node of the lock service (group "locks"). It acts for the clients that call it: queues them, keeps their
 * holds and leases, and lets the algorithm of the current epoch decide who enters. Epoch changes (see
 * {@link EpochManager}) replace the algorithm instance; holds and waiting clients stay with the node.
 */
public final class LockNodeCore implements Core, LockContext, EpochManager.Listener {

    public static final String GROUP = "locks";
    public static final List<String> ALGORITHMS = List.of("centralized", "ricart-agrawala", "token-ring");

    public interface AlgorithmFactory {
        MutexAlgorithm create(String algorithm, LockContext context);
    }

    public interface ElectionFactory {
        Election create(Env env, Consumer<Leadership> onElected);
    }

    record Tick() {
    }

    record WaitDeadline(String name, long seq) {
    }

    record HoldExpiry(String name, long token) {
    }

    private final Env env;
    private final LockConfig config;
    private final AlgorithmFactory algorithms;
    private final ElectionFactory electionFactory;
    private Connectivity connectivity;
    private EpochManager epochs;
    private HoldTable holds;
    private Waiters waiters;
    private final LockStats stats = new LockStats();
    private FencedResource fenced;
    private Election election;
    private MutexAlgorithm algorithm;
    private Supervisor supervisor;
    private Gathers gathers;
    private boolean recovered;
    private long seq;
    private String boot;

    public LockNodeCore(Env env, LockConfig config, AlgorithmFactory algorithms, ElectionFactory elections) {
        this.env = new ScopedEnv(env, "locks/");
        this.config = config;
        this.algorithms = algorithms;
        this.electionFactory = elections;
    }

    @Override
    public void onStart() {
        boot(false);
    }

    @Override
    public void onRecover() {
        boot(true);
    }

    private void boot(boolean recover) {
        long now = env.nanoTime();
        boot = Long.toHexString(env.random().nextLong() >>> 20);
        connectivity = new Connectivity(env.self(), env.members().size(), config.suspectMs(), config.freshMs());
        connectivity.start(now);
        holds = new HoldTable(env.storage());
        holds.restore(now);
        waiters = new Waiters();
        fenced = new FencedResource(env.storage());
        epochs = new EpochManager(env, this, connectivity, config.graceMs(), config.collectMs(),
                config.proposeTimeoutMs(), config.rho());
        epochs.load(config.defaultAlgorithm());
        recovered = recover || epochs.loadedFromStorage();
        holds.all().forEach(this::armExpiry);
        election = electionFactory == null ? null : electionFactory.create(env, this::onElected);
        supervisor = new Supervisor(this, env, config, epochs, connectivity);
        gathers = new Gathers(this, env, fenced);
        algorithm = null;
        if (!epochs.inLimbo()) startAlgorithm(epochs.lastCommit());
        env.emit("lock.boot", Map.of("epoch", epochs.current().number(), "recovered", recovered,
                "holds", holds.all().size()));
        env.after(Duration.ofMillis(config.heartbeatMs()), new Tick());
    }

    private void startAlgorithm(Commit c) {
        algorithm = algorithms.create(c.epoch().algorithm(), this);
        algorithm.start(c.epoch(), c.holds());
        for (HoldInfo carried : c.holds()) {
            boolean mine = carried.node() == env.self().index();
            if (mine && holds.byToken(carried.token()).isEmpty()) {
                // released between our promise and this commit: tell the new epoch the lock is free
                algorithm.onHoldEnded(new Hold(carried.name(), carried.owner(), carried.token(), carried.leaseMs(),
                        Fencing.epoch(carried.token()), c.epoch().algorithm(), 0, 0, false));
            }
        }
        for (Waiter w : waiters.all()) algorithm.onWaiter(w);
    }

    // ---- epoch listener -------------------------------------------------------------------------------------

    @Override
    public List<HoldInfo> holdsReport() {
        return holds.report(env.nanoTime());
    }

    @Override
    public void promised(long number) {
        if (algorithm != null) algorithm.stop();
        algorithm = null;
    }

    @Override
    public List<HoldInfo> coordinatorTable() {
        return algorithm == null ? null : algorithm.coordinatorTable().orElse(null);
    }

    /**
     * Holds are never dropped here, only released or expired: a hold the new epoch was not told about is covered
     * by its grace period now, and reported in this node's next promise.
     */
    @Override
    public void adopted(Commit c) {
        if (algorithm != null) algorithm.stop();
        recovered = false;
        startAlgorithm(c);
        supervisor.adopted(c.epoch());
    }

    @Override
    public void transmit(NodeId to, Message m) {
        stats.background();
        env.send(to, m);
    }

    private void onElected(Leadership l) {
        supervisor.elected(l);
    }

    // ---- requests ---------------------------------------------------------------------------------------------

    @Override
    public void onRequest(RequestId request, Object body) {
        if (body instanceof Acquire a) {
            acquire(request, a);
        } else if (body instanceof LockRequests.Renew r) {
            holderOp(request, r.name(), r.owner(), r.fencingToken(), true);
        } else if (body instanceof LockRequests.Release r) {
            holderOp(request, r.name(), r.owner(), r.fencingToken(), false);
        } else if (body instanceof LockRequests.Inspect i) {
            gathers.inspect(request, i.name());
        } else if (body instanceof LockRequests.SwitchAlgorithm s) {
            Rejection bad = Validation.algorithm(s.algorithm());
            if (bad != null) env.reply(request, bad);
            else supervisor.switchTo(request, s.algorithm());
        } else if (body instanceof LockRequests.Stats) {
            gathers.stats(request);
        } else if (body instanceof LockRequests.FencedWrite f) {
            gathers.fencedWrite(request, f);
        } else if (body instanceof LockRequests.FencedRead f) {
            gathers.fencedRead(request, f.name());
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body));
        }
    }

    private void acquire(RequestId request, Acquire a) {
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
        long s = ++seq;
        Waiter w = new Waiter(request, a.name(), a.owner(), a.leaseMs(), env.nanoTime(), s, boot,
                env.after(Duration.ofMillis(a.waitMs()), new WaitDeadline(a.name(), s)));
        waiters.add(w);
        env.emit("lock.request", Map.of("name", a.name(), "owner", a.owner(), "leaseMs", a.leaseMs(),
                "waitMs", a.waitMs(), "algorithm", algorithmName()));
        if (algorithm != null) algorithm.onWaiter(w);
    }

    /** Renew and release go to the node that acts for the holder (its index is in the fencing token). */
    private void holderOp(RequestId request, String name, String owner, long token, boolean renew) {
        Rejection bad = Validation.name("lock name", name);
        if (bad == null) bad = Validation.name("owner", owner);
        if (bad != null) {
            env.reply(request, bad);
            return;
        }
        Optional<NodeId> target = token <= 0 ? Optional.empty() : nodeByIndex(Fencing.node(token));
        if (target.isEmpty()) {
            env.reply(request, Rejection.conflict("stale-token", "fencing token " + token
                    + " was never granted by this cluster"));
        } else if (!target.get().equals(env.self())) {
            gathers.forward(request, target.get(), name, owner, token, renew);
        } else if (renew) {
            localRenew(request, name, owner, token);
        } else {
            Object r = localRelease(name, owner, token);
            env.reply(request, r);
        }
    }

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

    void localRenew(RequestId request, String name, String owner, long token) {
        Object c = checkHolder(name, owner, token);
        if (c instanceof Rejection r) {
            answer(request, r);
        } else if (((Hold) c).expiresNanos() <= env.nanoTime()) {
            answer(request, Rejection.conflict("not-holder", "the lease on '" + name + "' has run out"));
        } else if (((Hold) c).restored()) {
            answer(request, Rejection.conflict("lease-unknown", env.self() + " restarted while '" + name
                    + "' was held: its lease runs out and cannot be renewed; acquire it again"));
        } else if (algorithm == null) {
            answer(request, Rejection.unavailable("an epoch change is in progress on " + env.self() + "; retry"));
        } else {
            algorithm.renew(request, (Hold) c);
        }
    }

    /** Returns {@link Released} or a {@link Rejection}. */
    Object localRelease(String name, String owner, long token) {
        Object c = checkHolder(name, owner, token);
        if (c instanceof Rejection r) return r;
        Hold h = (Hold) c;
        holds.remove(name);
        long heldMs = (env.nanoTime() - h.grantedNanos()) / 1_000_000L;
        stats.exit(algorithmName(), heldMs, false);
        // the release is recorded before the algorithm hands the lock on (which may grant it right here)
        env.emit("lock.release", Map.of("name", name, "owner", owner, "token", token, "heldMs", heldMs,
                "algorithm", algorithmName()));
        Map<String, Integer> cost = algorithm == null ? Map.of() : algorithm.onHoldEnded(h);
        return new Released(name, owner, token, heldMs, Messages.of(cost));
    }

    // ---- LockContext ------------------------------------------------------------------------------------------

    @Override
    public boolean grant(Waiter w, long token, long leaseStartNanos, double delayMessages, Map<String, Integer> cost) {
        long now = env.nanoTime();
        long expires = leaseStartNanos + w.leaseMs() * 1_000_000L;
        if (!waiters.contains(w) || expires <= now) return false;
        waiters.remove(w);
        env.cancel(w.deadline());
        EpochInfo e = epochs.current();
        Hold h = new Hold(w.name(), w.owner(), token, w.leaseMs(), e.number(), e.algorithm(), now, expires, false);
        holds.put(h);
        armExpiry(h);
        long waitedMs = (now - w.arrivedNanos()) / 1_000_000L;
        Messages m = Messages.of(cost);
        stats.entry(e.algorithm(), m.count() > 0, delayMessages, waitedMs);
        env.emit("lock.grant", Map.of("name", w.name(), "owner", w.owner(), "token", token, "leaseMs", w.leaseMs(),
                "algorithm", e.algorithm(), "epoch", e.number(), "waitedMs", waitedMs,
                "delayMessages", delayMessages, "messages", m.count(), "remainingNanos", expires - now));
        env.reply(w.request(), new Granted(w.name(), w.owner(), token, clockMs(expires - now), w.leaseMs(),
                e.algorithm(), e.number(), env.self().value(), m, waitedMs, delayMessages));
        return true;
    }

    @Override
    public void renewed(RequestId request, Hold h, long expiresNanos) {
        Optional<Hold> now = holds.get(h.name())
                .filter(x -> x.token() == h.token() && x.expiresNanos() > env.nanoTime());
        if (now.isEmpty()) {
            answer(request, Rejection.conflict("not-holder", "'" + h.name() + "' ended while renewing"));
            return;
        }
        holds.extend(h.name(), expiresNanos);
        stats.renewal(algorithmName());
        env.emit("lock.renew", Map.of("name", h.name(), "owner", h.owner(), "token", h.token(),
                "leaseMs", h.leaseMs(), "remainingNanos", expiresNanos - env.nanoTime()));
        answer(request, new Renewed(h.name(), h.owner(), h.token(), clockMs(expiresNanos - env.nanoTime())));
    }

    /** Replies to a client, or to the node that relayed its renewal here. */
    private void answer(RequestId request, Object result) {
        if (!gathers.relayReply(request, result)) env.reply(request, result);
    }

    @Override
    public void reject(RequestId request, Rejection rejection) {
        answer(request, rejection);
    }

    @Override
    public void send(NodeId to, Message m) {
        stats.message(algorithmName(), m.type());
        env.send(to, m);
    }

    @Override
    public void takeover(String reason) {
        supervisor.takeover(reason);
    }

    @Override
    public void emit(String kind, Map<String, Object> fields) {
        env.emit(kind, fields);
    }

    @Override
    public Env env() {
        return env;
    }

    @Override
    public LockConfig config() {
        return config;
    }

    @Override
    public EpochInfo epoch() {
        return epochs.current();
    }

    @Override
    public boolean mayGrant() {
        long now = env.nanoTime();
        return epochs.mayAct(now) && !epochs.inGrace(now);
    }

    @Override
    public boolean mayAct() {
        return epochs.mayAct(env.nanoTime());
    }

    @Override
    public boolean suspected(NodeId n) {
        return connectivity.suspected(n, env.nanoTime());
    }

    @Override
    public Waiters waiters() {
        return waiters;
    }

    @Override
    public HoldTable holds() {
        return holds;
    }

    @Override
    public boolean recovered() {
        return recovered;
    }

    @Override
    public Optional<NodeId> nodeByIndex(int index) {
        return env.members().nodes().stream().filter(n -> n.index() == index).findFirst();
    }

    // ---- messages and timers ----------------------------------------------------------------------------------

    @Override
    public void onMessage(NodeId from, Message m) {
        connectivity.heard(from, env.nanoTime());
        if (epochs.handles(m)) {
            epochs.onMessage(from, m);
        } else if (election != null && election.handles(m)) {
            election.onMessage(from, m);
        } else if (gathers.handles(m)) {
            gathers.onMessage(from, m);
        } else if (algorithm != null && algorithm.handles(m)) {
            algorithm.onMessage(from, m);
        }
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Tick) {
            holds.flush();
            epochs.heartbeat();
            supervisor.tick();
            if (algorithm != null) algorithm.tick();
            env.after(Duration.ofMillis(config.heartbeatMs()), new Tick());
        } else if (timer instanceof WaitDeadline d) {
            waitExpired(d);
        } else if (timer instanceof HoldExpiry x) {
            holdExpired(x);
        } else if (epochs.handlesTimer(timer)) {
            epochs.onTimer(timer);
        } else if (election != null && election.handlesTimer(timer)) {
            election.onTimer(timer);
        } else if (gathers.handlesTimer(timer)) {
            gathers.onTimer(timer);
        } else if (supervisor.handlesTimer(timer)) {
            supervisor.onTimer(timer);
        } else if (algorithm != null && algorithm.handlesTimer(timer)) {
            algorithm.onTimer(timer);
        }
    }

    private void waitExpired(WaitDeadline d) {
        Optional<Waiter> w = waiters.of(d.name()).stream().filter(x -> x.seq() == d.seq()).findFirst();
        if (w.isEmpty()) return;
        waiters.remove(w.get());
        stats.denial(algorithmName());
        EpochInfo e = epochs.current();
        env.emit("lock.deny", Map.of("name", d.name(), "owner", w.get().owner(), "algorithm", algorithmName(),
                "epoch", e.number()));
        env.reply(w.get().request(), Rejection.conflict("not-granted", "'" + d.name() + "' was not granted to '"
                + w.get().owner() + "' within waitMs (" + supervisor.describe() + ")"));
        if (algorithm != null) algorithm.onWaiterGone(w.get());
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
        long heldMs = (env.nanoTime() - h.get().grantedNanos()) / 1_000_000L;
        stats.exit(algorithmName(), heldMs, true);
        env.emit("lock.expire", Map.of("name", x.name(), "owner", h.get().owner(), "token", x.token(),
                "heldMs", heldMs));
        if (algorithm != null) algorithm.onHoldEnded(h.get());
    }

    // ---- for the supervisor, gathers and tests ----------------------------------------------------------------

    String algorithmName() {
        return algorithm != null ? algorithm.name() : epochs.current().algorithm();
    }

    Optional<MutexAlgorithm> algorithm() {
        return Optional.ofNullable(algorithm);
    }

    Optional<Election> election() {
        return Optional.ofNullable(election);
    }

    LockStats stats() {
        return stats;
    }

    long clockMs(long remainingNanos) {
        return env.clock().millis() + Math.max(0, remainingNanos) / 1_000_000L;
    }

    /** A read-only view for tests and the REST adapter's metrics: this node's own tallies and state. */
    public NodeView view() {
        if (epochs == null) {
            return new NodeView(env.self().value(), -1, "", null, List.of(), true, false, false, 0, List.of(), 0,
                    Map.of(), 0);
        }
        EpochInfo e = epochs.current();
        long now = env.nanoTime();
        return new NodeView(env.self().value(), e.number(), e.algorithm(), e.owner() == null ? null : e.owner().value(),
                e.members().stream().map(NodeId::value).toList(), epochs.inLimbo(), mayGrant(),
                connectivity.connected(now), epochs.graceRemainingMs(now), holds.report(now), waiters.all().size(),
                stats.snapshot(), stats.backgroundMessages());
    }

    /** Resets this node's tallies (benchmarks and table tests measure from a clean slate). */
    public void resetStats() {
        stats.reset();
    }

    public record NodeView(String node, long epoch, String algorithm, String coordinator, List<String> members,
                           boolean limbo, boolean mayGrant, boolean connected, long graceLeftMs,
                           List<HoldInfo> holds, int waiting,
                           Map<String, dsys.lock.stats.Counters> counters, long backgroundMessages) {
    }

}
