package dsys.time.averaging;

import dsys.time.core.RoundMessage;

import java.util.Map;

/**
 * "My clock reads {@code clock}" (broadcast {@code seq} of interval {@code interval}). {@code seen} carries, for
 * each node heard so far, the largest (sender's clock − own clock at receipt) observed: the receiver combines it
 * with its own observation of the sender to cancel the propagation delay, as NTP does.
 */
public record AveragingBroadcast(String round, int interval, int seq, long clock, Map<String, Long> seen)
        implements RoundMessage {
}
