package dsys.lock.election;

import dsys.core.node.NodeId;

/** Who leads, and in which epoch. Epochs only grow, and no two leaders ever share one. */
public record Leadership(NodeId leader, long epoch) {
}
