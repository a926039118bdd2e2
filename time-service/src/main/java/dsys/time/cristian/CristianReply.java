package dsys.time.cristian;

import dsys.time.core.RoundMessage;

/**
 * The server's time when it answered and its processing time I (both by its own clock).
 * {@code serverErrorNanos}: how far the server itself may be from true time (0 for a reference).
 */
public record CristianReply(String round, int seq, long serverTime, long processingNanos, long serverErrorNanos)
        implements RoundMessage {
}
