package dsys.kv.quorum;

import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.Map;
import java.util.HashMap;

/**
 * One client request (or anti-entropy repair) that a node coordinates: it gathers quorums from the replicas,
 * retries while its deadline allows, and ends with exactly one answer.
 */
abstract class Operation {

    final QuorumCoordinator co;
    final String id;
    final RequestId request;
    final String key;
    final long deadlineNanos;
    /** Messages of this operation by type: the requests it sent and the answers it received. */
    final Map<String, Integer> messages = new HashMap<>();
    /** Replicas sent a request of this operation that have not answered any since (for the coordinator's suspicion). */
    final java.util.Set<NodeId> awaiting = new java.util.HashSet<>(4);

    Operation(QuorumCoordinator co, String id, RequestId request, String key, long deadlineNanos) {
        this.co = co;
        this.id = id;
        this.request = request;
        this.key = key;
        this.deadlineNanos = deadlineNanos;
    }

    /** put, cas, delete, read-linearizable, read-quorum, read-one, repair: how the counters group operations. */
    abstract String label();

    abstract void start();

    abstract void onReply(NodeId from, Message m);

    /** The retry tick: ask again the replicas that have not answered this phase (or start a new round). */
    abstract void onRetry();

    void onBackoffEnd() {
    }

    /** The answer when the deadline passes first. */
    abstract Object timedOut();

    void counted(Message m) {
        messages.merge(m.type(), 1, Integer::sum);
    }

    Map<String, Integer> messageCounts() {
        return Map.copyOf(messages);
    }
}
