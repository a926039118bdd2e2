package dsys.time.berkeley;

import dsys.core.node.NodeId;
import dsys.time.core.RoundMessage;

/** The daemon tells one machine its own correction (a delta, not a time: it stays right however late it comes). */
public record BerkeleyAdjust(String round, NodeId coordinator, long deltaNanos, long errorBoundNanos)
        implements RoundMessage {
}
