package dsys.time.core;

import dsys.core.clock.VectorTime;

/** This node's physical and logical time. */
public record NowInfo(String node, long clockNanos, long lamport, VectorTime vector) {
}
