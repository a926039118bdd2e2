package dsys.time.core;

import dsys.core.message.Message;

/** A message a node sends itself: delivered through a zero-delay timer so that handlers never re-enter. */
public record Loopback(Message message) {
}
