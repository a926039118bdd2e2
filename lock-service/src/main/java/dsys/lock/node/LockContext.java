package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.lease.Hold;
import dsys.lock.lease.HoldInfo;
import dsys.lock.lease.HoldTable;
import dsys.lock.quorum.EpochInfo;

import java.util.Map;
import java.util.Optional;

/** What the node offers its algorithms. */
public interface LockContext {

    Env env();

    LockConfig config();

    EpochInfo epoch();

    /**
     * {@code name} may be granted: connected to a majority in this epoch, a member of it, past its grace period,
     * and no node outside the epoch may still hold {@code name}.
     */
    boolean mayGrant(String name);

    /** Connected to a majority in this epoch and a member of it (renewals may run during a grace period). */
    boolean mayAct();

    boolean suspected(NodeId n);

    Waiters waiters();

    HoldTable holds();

    /**
     * Hands the lock to {@code w}. {@code leaseStartNanos} must not be later than the moment the grant was
     * decided (the lease is counted from it). False when {@code w} no longer waits or the lease would already
     * be over: the caller then gives the lock back.
     */
    default boolean grant(Waiter w, long token, long leaseStartNanos, double delayMessages, Map<String, Integer> cost) {
        return grant(w, token, leaseStartNanos, delayMessages, cost, null);
    }

    /**
     * As above; {@code recordedBy} (null: none) is a node that already recorded the hold in this epoch, durably,
     * before its grant left it ({@link #recordHold}): it counts toward the majority the answer waits for.
     */
    boolean grant(Waiter w, long token, long leaseStartNanos, double delayMessages, Map<String, Integer> cost,
                  NodeId recordedBy);

    /**
     * Records, as a hold recorder does, a hold this node grants in {@code epoch} to another node's client, in this
     * step (so before the grant leaves); false when it may not ({@code epoch} is not the current one, or in limbo).
     * The acting node then needs one record fewer: a centralized grant at n = 3 is answered with no further round
     * trip.
     */
    boolean recordHold(HoldInfo hold, long epoch);

    /** Forgets a hold recorded by {@link #recordHold} (given back or released). */
    void holdEnded(String name, long token);

    void renewed(RequestId request, Hold h, long expiresNanos);

    void reject(RequestId request, Rejection rejection);

    /** Sends an algorithm message (counted in the statistics). */
    void send(NodeId to, Message m);

    /** Asks for a new epoch of the current algorithm (token lost, coordinator gone). */
    void takeover(String reason);

    void emit(String kind, Map<String, Object> fields);

    /** This node crashed and came back during the current epoch (it lost whatever it kept in memory). */
    boolean recovered();

    /** The member with this node index (fencing tokens carry the acting node's index). */
    Optional<NodeId> nodeByIndex(int index);
}
