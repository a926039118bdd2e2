package dsys.time.core;

import dsys.core.message.Message;

/** Asks a node for its recent events, to merge them in Lamport order. */
public record EventsQuery(String gather, int limit) implements Message {
}
