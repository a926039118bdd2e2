package dsys.core.message;

import dsys.core.clock.VectorTime;
import dsys.core.node.NodeId;

/**
 * What travels between nodes: the message and the sender's logical clocks at send time. {@code trace} is opaque to
 * cores: the live host puts the W3C {@code traceparent} of the sampled trace the send happened in (else null), so
 * the receiving node's step continues that trace; the simulator leaves it null.
 */
public record Envelope(String id, NodeId from, NodeId to, String type, long lamport, VectorTime vector, Message payload,
                       String trace) {

    /** An envelope outside any trace. */
    public Envelope(String id, NodeId from, NodeId to, String type, long lamport, VectorTime vector, Message payload) {
        this(id, from, to, type, lamport, vector, payload, null);
    }
}
