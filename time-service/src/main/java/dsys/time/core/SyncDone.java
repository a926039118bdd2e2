package dsys.time.core;

import java.util.Map;

/**
 * A node's report to the round's coordinator once its part of a round is over.
 *
 * @param applied         whether the node corrected its clock in this round
 * @param adjustmentNanos the correction it applied (positive: forward)
 * @param errorBoundNanos what the algorithm guarantees for this node right after the correction: for Cristian and
 *                        NTP |offset against true time|; for Berkeley and averaging its share of any pairwise skew
 * @param detail          algorithm-specific figures (RTT, chosen server, samples...), plain values
 */
public record SyncDone(String round, String node, boolean applied, long adjustmentNanos, long errorBoundNanos,
                       Map<String, Object> detail) implements RoundMessage {

    @Override
    public boolean control() {
        return true;
    }

    public static SyncDone skipped(String round, String node, String reason) {
        return new SyncDone(round, node, false, 0, 0, Map.of("reason", reason));
    }
}
