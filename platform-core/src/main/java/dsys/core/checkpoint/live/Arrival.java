package dsys.core.checkpoint.live;

import dsys.core.message.Message;
import dsys.core.node.NodeId;

/** A message of the wrapped core and the node it came from (a recorded channel message, a held-back send). */
public record Arrival(NodeId node, Message message) {
}
