package dsys.core.multicast;

import java.time.Duration;

/**
 * The schemes' clocks. {@code tick}: how often a member retransmits what is unacknowledged (ACKs) or announces its
 * newest number (NACKs). {@code backoff}: a retransmission request waits uniformly in [0, backoff) first, so that
 * another receiver's request for the same message can suppress it, and waits this long again before it is repeated.
 * {@code retention}: with negative acknowledgements nobody tells the sender that everyone has a message, so the
 * history buffer keeps each one this long; a member away for longer cannot recover it.
 */
public record MulticastTiming(Duration tick, Duration backoff, Duration retention) {

    public static final MulticastTiming DEFAULT = new MulticastTiming(Duration.ofMillis(100), Duration.ofMillis(60),
            Duration.ofSeconds(30));
}
