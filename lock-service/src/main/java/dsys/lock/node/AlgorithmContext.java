package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.lease.Hold;
import dsys.lock.lease.HoldInfo;
import dsys.lock.lease.HoldKey;
import dsys.lock.lease.HoldTable;
import dsys.lock.quorum.Connectivity;
import dsys.lock.quorum.EpochInfo;
import dsys.lock.quorum.EpochManager;
import dsys.lock.stats.LockStats;

import java.util.Map;
import java.util.Optional;

/**
 * What one start of the node offers the algorithm of the current epoch: the epoch and whether it may grant, the
 * failure detector's suspicions, the clients waiting and holding here, and counted sends.
 */
final class AlgorithmContext implements LockContext {

    private final LockNodeCore node;
    private final Env env;
    private final LockConfig config;
    private final EpochManager epochs;
    private final Connectivity connectivity;
    private final ActingNode acting;
    private final HoldReplication replication;
    private final Supervisor supervisor;
    private final LockStats stats;

    AlgorithmContext(LockNodeCore node, Env env, LockConfig config, EpochManager epochs, Connectivity connectivity,
                     ActingNode acting, HoldReplication replication, Supervisor supervisor, LockStats stats) {
        this.node = node;
        this.env = env;
        this.config = config;
        this.epochs = epochs;
        this.connectivity = connectivity;
        this.acting = acting;
        this.replication = replication;
        this.supervisor = supervisor;
        this.stats = stats;
    }

    @Override
    public boolean grant(Waiter w, long token, long leaseStartNanos, double delayMessages, Map<String, Integer> cost,
                         NodeId recordedBy) {
        return acting.grant(w, token, leaseStartNanos, delayMessages, cost, recordedBy);
    }

    @Override
    public boolean recordHold(HoldInfo hold, long epoch) {
        return replication.recordHere(hold, epoch);
    }

    @Override
    public void holdEnded(String name, long token) {
        replication.forget(new HoldKey(name, token));
    }

    @Override
    public void renewed(RequestId request, Hold h, long expiresNanos) {
        acting.renewed(request, h, expiresNanos);
    }

    @Override
    public void reject(RequestId request, Rejection rejection) {
        acting.answer(request, rejection);
    }

    @Override
    public void send(NodeId to, Message m) {
        stats.message(node.algorithmName(), m.type());
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
    public boolean mayGrant(String name) {
        return epochs.mayGrant(name, env.nanoTime());
    }

    /** Any name not withheld may be granted (for the node's status). */
    boolean mayGrantAny() {
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
        return node.waiters();
    }

    @Override
    public HoldTable holds() {
        return node.holds();
    }

    @Override
    public boolean recovered() {
        return node.recovered();
    }

    @Override
    public Optional<NodeId> nodeByIndex(int index) {
        return node.nodeByIndex(index);
    }
}
