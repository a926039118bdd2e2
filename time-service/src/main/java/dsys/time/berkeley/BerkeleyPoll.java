package dsys.time.berkeley;

import dsys.core.node.NodeId;
import dsys.time.core.RoundMessage;

/** The daemon asks a machine for its time. */
public record BerkeleyPoll(String round, NodeId coordinator, int seq) implements RoundMessage {
}
