package dsys.lock.node;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.env.ScopedEnv;
import dsys.core.gather.Gathers;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.election.Election;
import dsys.lock.election.Leadership;
import dsys.lock.fenced.FencedResource;
import dsys.lock.fenced.IssuedTokens;
import dsys.lock.lease.Fencing;
import dsys.lock.lease.Hold;
import dsys.lock.lease.HoldInfo;
import dsys.lock.lease.HoldKey;
import dsys.lock.lease.HoldRecords;
import dsys.lock.lease.HoldTable;
import dsys.lock.node.LockRequests.Acquire;
import dsys.lock.quorum.Connectivity;
import dsys.lock.quorum.EpochInfo;
import dsys.lock.quorum.EpochManager;
import dsys.lock.quorum.QuorumMessages.Commit;
import dsys.lock.stats.LockStats;
import dsys.lock.stats.StatsStore;

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
public final class LockNodeCore implements Core, EpochManager.Listener {

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

    /** Tallies are saved every this many heartbeats (1 s live), when they changed: see {@link StatsStore}. */
    static final int STATS_SAVE_TICKS = 5;

    private final Env env;
    private final LockConfig config;
    private final AlgorithmFactory algorithms;
    private final ElectionFactory electionFactory;
    private Connectivity connectivity;
    private EpochManager epochs;
    private HoldTable holds;
    private HoldRecords records;
    private HoldReplication replication;
    private Waiters waiters;
    private final LockStats stats = new LockStats();
    private StatsStore statsStore;
    private long ticks;
    private Election election;
    private MutexAlgorithm algorithm;
    private Supervisor supervisor;
    private ActingNode acting;
    private Gathers gathers;
    private HolderRouting routing;
    private ClusterView cluster;
    private FencedQuorum fenced;
    private AlgorithmContext context;
    private boolean recovered;

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
        String boot = Long.toHexString(env.random().nextLong() >>> 20);
        connectivity = new Connectivity(env.self(), env.members().size(), config.suspectMs(), config.freshMs());
        connectivity.start(now);
        holds = new HoldTable(env.storage());
        holds.restore(now);
        records = new HoldRecords(env.storage(), config.rho());
        records.restore(now);
        waiters = new Waiters();
        // a crash loses at most the ticks since the last save, plus the tick that was due
        statsStore = new StatsStore(env.storage(), (STATS_SAVE_TICKS + 1) * config.heartbeatMs());
        statsStore.load(stats, env.clock().millis());
        IssuedTokens issued = new IssuedTokens(env.storage());
        acting = new ActingNode(this, env, config, holds, issued, waiters, stats, boot);
        epochs = new EpochManager(env, this, connectivity, config.collectMs(), config.proposeTimeoutMs(), config.rho());
        epochs.load(config.defaultAlgorithm());
        replication = new HoldReplication(env, config, epochs, records, this);
        acting.replication(replication);
        recovered = recover || epochs.loadedFromStorage();
        acting.armExpiries();
        election = electionFactory == null ? null : electionFactory.create(env, this::onElected);
        supervisor = new Supervisor(this, env, config, epochs, connectivity);
        context = new AlgorithmContext(this, env, config, epochs, connectivity, acting, replication, supervisor,
                stats);
        gathers = new Gathers(env, this::transmit, env::nanoTime);
        Gathers.Patience patience = new Gathers.Patience(Duration.ofMillis(config.gatherTimeoutMs()), 1);
        Gathers.Patience oneNode = new Gathers.Patience(Duration.ofMillis(2 * config.gatherTimeoutMs()), 1);
        routing = new HolderRouting(env, acting, this, gathers, oneNode);
        cluster = new ClusterView(env, this, gathers, patience);
        fenced = new FencedQuorum(env, this, new FencedResource(env.storage()), issued, gathers, patience);
        algorithm = null;
        if (!epochs.inLimbo()) startAlgorithm(epochs.lastCommit());
        env.emit("lock.boot", Map.of("epoch", epochs.current().number(), "recovered", recovered,
                "holds", holds.all().size()));
        env.after(Duration.ofMillis(config.heartbeatMs()), new Tick());
    }

    private void startAlgorithm(Commit c) {
        algorithm = algorithms.create(c.epoch().algorithm(), context);
        algorithm.start(c.epoch(), c.holds());
        for (HoldInfo carried : c.holds()) {
            boolean mine = carried.node() == env.self().index();
            if (mine && holds.get(HoldKey.of(carried)).isEmpty()) {
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
    public List<HoldInfo> knownHolds() {
        return records.report(env.nanoTime());
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
     * Holds are never dropped here, only released or expired: a hold the new epoch was not told about (granted
     * here and not yet recorded by a majority: its client has not heard of it) is reported in this node's next
     * promise.
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
            acting.acquire(request, a);
        } else if (body instanceof LockRequests.Withdraw w) {
            LockReplies.Withdrawn done = acting.withdraw(w.name(), w.waiter());
            env.reply(request, done != null ? done : new Rejection(404, "not-waiting", "Not waiting",
                    "no acquire of '" + w.name() + "' with waiter id '" + w.waiter() + "' waits or was just granted at "
                            + env.self()));
        } else if (body instanceof LockRequests.Renew r) {
            routing.route(request, r.name(), r.owner(), r.fencingToken(), true);
        } else if (body instanceof LockRequests.Release r) {
            routing.route(request, r.name(), r.owner(), r.fencingToken(), false);
        } else if (body instanceof LockRequests.Inspect i) {
            cluster.inspect(request, i.name());
        } else if (body instanceof LockRequests.SwitchAlgorithm s) {
            Rejection bad = Validation.algorithm(s.algorithm());
            if (bad != null) env.reply(request, bad);
            else supervisor.switchTo(request, s.algorithm());
        } else if (body instanceof LockRequests.Stats) {
            cluster.stats(request);
        } else if (body instanceof LockRequests.SaveStats) {
            statsStore.save(stats, true);
            env.reply(request, "saved");
        } else if (body instanceof LockRequests.FencedWrite f) {
            fenced.write(request, f);
        } else if (body instanceof LockRequests.FencedRead f) {
            fenced.read(request, f.name());
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body));
        }
    }

    // ---- for the node's parts -----------------------------------------------------------------------------------

    EpochInfo epoch() {
        return epochs.current();
    }

    Waiters waiters() {
        return waiters;
    }

    HoldTable holds() {
        return holds;
    }

    /** This node crashed and came back during the current epoch (it lost whatever it kept in memory). */
    boolean recovered() {
        return recovered;
    }

    /** The member with this node index (fencing tokens carry the acting node's index). */
    Optional<NodeId> nodeByIndex(int index) {
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
        } else if (replication.handles(m)) {
            replication.onMessage(from, m);
        } else if (routing.handles(m)) {
            routing.onMessage(from, m);
        } else if (cluster.handles(m)) {
            cluster.onMessage(from, m);
        } else if (fenced.handles(m)) {
            fenced.onMessage(from, m);
        } else if (algorithm != null && algorithm.handles(m)) {
            algorithm.onMessage(from, m);
        }
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof Tick) {
            holds.flush();
            if (++ticks % STATS_SAVE_TICKS == 0) statsStore.saveIfChanged(stats);
            epochs.heartbeat();
            supervisor.tick();
            if (algorithm != null) algorithm.tick();
            env.after(Duration.ofMillis(config.heartbeatMs()), new Tick());
        } else if (replication.handlesTimer(timer)) {
            replication.onTimer(timer);
        } else if (acting.handlesTimer(timer)) {
            acting.onTimer(timer);
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

    // ---- for the supervisor, the node's parts, tests ---------------------------------------------------------

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
        return acting.clockMs(remainingNanos);
    }

    /** Why a client still waits, for its 409. */
    String whyNotGranted(String name) {
        return supervisor.describe(name);
    }

    /** True when {@code request} was a renewal relayed from another node, now answered there. */
    boolean relayed(RequestId request, Object result) {
        return routing.relayed(request, result);
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
                e.members().stream().map(NodeId::value).toList(), epochs.inLimbo(), context.mayGrantAny(),
                connectivity.connected(now), epochs.graceRemainingMs(now), holds.report(now), waiters.all().size(),
                stats.snapshot(), stats.backgroundMessages());
    }

    /** Resets this node's tallies (benchmarks and table tests measure from a clean slate). */
    public void resetStats() {
        stats.reset(env.clock().millis());
    }

    public record NodeView(String node, long epoch, String algorithm, String coordinator, List<String> members,
                           boolean limbo, boolean mayGrant, boolean connected, long graceLeftMs,
                           List<HoldInfo> holds, int waiting,
                           Map<String, dsys.lock.stats.Counters> counters, long backgroundMessages) {
    }

}
