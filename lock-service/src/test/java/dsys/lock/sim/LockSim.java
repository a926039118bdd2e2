package dsys.lock.sim;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.ClockBounds;
import dsys.core.sim.SimRequest;
import dsys.core.sim.Simulation;
import dsys.lock.Algorithms;
import dsys.lock.election.BullyElection;
import dsys.lock.election.Election;
import dsys.lock.election.Leadership;
import dsys.lock.node.LockConfig;
import dsys.lock.node.LockNodeCore;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockRequests;
import dsys.verifier.CheckResult;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * A simulated lock cluster lock-1..n with the bully election and request helpers. Its clients' history is judged
 * by the verifier's LockChecker when the test ends ({@link JudgedFromClients}) or at {@link #assertSafe()}.
 */
public final class LockSim {

    public final Simulation sim;
    public final List<NodeId> nodes;
    final ClientHistory history;
    private final LockConfig config;

    /** Nodes with clocks within {@link ClockBounds#REALISTIC} (±100 ppm), inside the ρ the service assumes. */
    public LockSim(long seed, int n, LockConfig config) {
        this(seed, n, config, ClockBounds.REALISTIC, Algorithms::create);
    }

    public LockSim(long seed, int n, LockConfig config, ClockBounds clocks, LockNodeCore.AlgorithmFactory algorithms) {
        this.config = config;
        sim = new Simulation(seed).clockBounds(clocks);
        nodes = IntStream.rangeClosed(1, n).mapToObj(i -> NodeId.of("lock-" + i)).toList();
        history = new ClientHistory(sim);
        sim.addRequestListener(history);
        for (NodeId id : nodes) sim.add(id, env -> new LockNodeCore(env, config, algorithms, LockSim::bully));
        JudgedFromClients.register(this);
    }

    /**
     * The verifier's judgement of what the clients saw, with the clock-rate bound the service assumes (its ρ):
     * never two owners certainly holding a lock at once, tokens growing in grant order, no stale fenced write.
     */
    public void assertSafe() {
        CheckResult r = verdict();
        if (!r.isValid()) {
            throw new AssertionError("lock safety, judged from the clients' side (seed " + sim.seed() + "): "
                    + String.join("\n  ", r.violations()));
        }
    }

    /** The same judgement, returned instead of asserted (for tests of deliberately broken locks). */
    public CheckResult verdict() {
        JudgedFromClients.done(this);
        return history.check(config.rho());
    }

    /** Acquires the clients saw granted. */
    public long grants() {
        return history.grants();
    }

    static Election bully(Env env, Consumer<Leadership> onElected) {
        return new BullyElection(env, onElected).timeouts(Duration.ofMillis(40), Duration.ofMillis(120));
    }

    public NodeId node(int i) {
        return nodes.get(i - 1);
    }

    public LockNodeCore core(NodeId n) {
        return (LockNodeCore) sim.core(n);
    }

    public SimRequest acquire(NodeId at, String name, String owner, long leaseMs, long waitMs) {
        return sim.request(at, new LockRequests.Acquire(name, owner, leaseMs, waitMs));
    }

    public SimRequest release(NodeId at, Granted g) {
        return sim.request(at, new LockRequests.Release(g.name(), g.owner(), g.fencingToken()));
    }

    public SimRequest renew(NodeId at, Granted g) {
        return sim.request(at, new LockRequests.Renew(g.name(), g.owner(), g.fencingToken()));
    }

    /** Runs until {@code r} is answered (or crashed); fails if that takes longer than {@code limit}. */
    public Object await(SimRequest r, Duration limit) {
        if (!sim.runUntil(r::finished, limit)) throw new AssertionError("no answer within " + limit + ": " + r);
        if (r.crashed()) throw new AssertionError("node crashed: " + r);
        return r.result();
    }

    public Granted granted(SimRequest r, Duration limit) {
        Object o = await(r, limit);
        if (!(o instanceof Granted g)) throw new AssertionError("not granted: " + o + "\n" + sim.trace(40));
        return g;
    }

    public Rejection rejected(SimRequest r, Duration limit) {
        Object o = await(r, limit);
        if (!(o instanceof Rejection x)) throw new AssertionError("expected a rejection: " + o);
        return x;
    }

    /**
     * Runs until every live node is in one epoch running {@code algorithm}, and the nodes that grant may grant:
     * the coordinator (centralized) or every node (the others).
     */
    public void settle(String algorithm, Duration limit) {
        boolean ok = sim.runUntil(() -> settled(algorithm), limit);
        if (!ok) {
            StringBuilder b = new StringBuilder("cluster did not settle on " + algorithm + ":\n");
            for (NodeId n : nodes) if (sim.isUp(n)) b.append(core(n).view()).append('\n');
            throw new AssertionError(b + sim.trace(30));
        }
    }

    private boolean settled(String algorithm) {
        List<LockNodeCore.NodeView> views = nodes.stream().filter(sim::isUp).map(n -> core(n).view()).toList();
        if (views.stream().map(LockNodeCore.NodeView::epoch).distinct().count() != 1) return false;
        if (views.stream().anyMatch(v -> v.limbo() || !v.algorithm().equals(algorithm))) return false;
        if (!algorithm.equals("centralized")) return views.stream().allMatch(LockNodeCore.NodeView::mayGrant);
        String c = views.get(0).coordinator();
        return c != null && views.stream().anyMatch(v -> v.node().equals(c) && v.mayGrant());
    }
}
