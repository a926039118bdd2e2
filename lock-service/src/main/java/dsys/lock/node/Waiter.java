package dsys.lock.node;

import dsys.core.env.RequestId;
import dsys.core.env.TimerId;

/**
 * A client waiting at this node for a lock until {@code waitUntilNanos} (its waitMs); {@code seq} orders waiters
 * of one node (FIFO). {@code boot} differs for every start of the node, so keys never repeat across crashes.
 */
public record Waiter(RequestId request, String name, String owner, long leaseMs, long arrivedNanos,
                     long waitUntilNanos, long seq, String boot, TimerId deadline) {

    /** A cluster-unique id for this wait (the centralized coordinator queues by it): node#boot.seq. */
    public String key(String node) {
        return node + "#" + boot + "." + seq;
    }
}
