package dsys.lock.node;

import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.lease.Hold;
import dsys.lock.lease.HoldInfo;
import dsys.lock.quorum.EpochInfo;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One mutual-exclusion algorithm running in one epoch on one node. A fresh instance per epoch: nothing
 * carries over except the holds (which the node keeps) and the waiting clients (which the node queues).
 */
public interface MutexAlgorithm {

    String name();

    /** The epoch was adopted; {@code carried} are the holds that survive into it (anywhere in the cluster). */
    void start(EpochInfo epoch, List<HoldInfo> carried);

    /** The epoch is over for this node: ignore everything from now on. */
    void stop();

    void onWaiter(Waiter w);

    void onWaiterGone(Waiter w);

    /** A local client's hold ended (released or expired); returns the messages this exit sent, by type. */
    Map<String, Integer> onHoldEnded(Hold h);

    /** Renew {@code h}; answer through {@link LockContext#renewed} or {@link LockContext#reject}. */
    void renew(RequestId request, Hold h);

    boolean handles(Message m);

    void onMessage(NodeId from, Message m);

    /** Algorithms that schedule no timers of their own keep the default. */
    default boolean handlesTimer(Object timer) {
        return false;
    }

    default void onTimer(Object timer) {
    }

    /** Called every heartbeat interval: retransmissions, loss detection, retries after a grace period. */
    void tick();

    /** Every holder this node granted as the epoch's coordinator, with remaining leases (centralized only). */
    default Optional<List<HoldInfo>> coordinatorTable() {
        return Optional.empty();
    }

    /** The coordinator's view of a lock's queue (centralized only). */
    default Optional<List<String>> queue(String lock) {
        return Optional.empty();
    }
}
