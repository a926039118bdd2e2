package dsys.time.berkeley;

import dsys.time.core.RoundMessage;

/** A machine's answer: its clock when it answered, and how long it took (both by its own clock). */
public record BerkeleyTime(String round, int seq, long clock, long processingNanos) implements RoundMessage {
}
