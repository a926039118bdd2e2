package dsys.core.multicast;

import dsys.core.node.NodeId;

/** A message handed to the application: who multicast it, its number at that origin (1, 2, …), what it says. */
public record Delivery(NodeId origin, long seq, String payload) {
}
