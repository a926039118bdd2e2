package dsys.time.core;

import dsys.core.message.Message;

/** The node's clock after a {@link ClockSet}, or why it refused. */
public record ClockSetAck(String tag, NodeStatus status, String error) implements Message {
}
