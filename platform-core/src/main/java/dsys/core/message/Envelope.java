package dsys.core.message;

import dsys.core.clock.VectorTime;
import dsys.core.node.NodeId;

/** What travels between nodes: the message and the sender's logical clocks at send time. */
public record Envelope(String id, NodeId from, NodeId to, String type, long lamport, VectorTime vector, Message payload) {
}
