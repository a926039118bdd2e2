package dsys.time.core;

import dsys.core.message.Message;

/** A {@link SetClock} forwarded to the node it is about. */
public record ClockSet(String tag, Long offsetNanos, Double driftPpm, Boolean reference) implements Message {
}
