package dsys.time.averaging;

import dsys.core.node.NodeId;
import dsys.time.core.RoundMessage;

import java.util.List;

/**
 * Sets up {@code intervals} resynchronization intervals: interval i begins at T0 + i·R by each node's own clock.
 * In each, a node broadcasts {@code samples} times, {@code gapNanos} apart, collects the others' broadcasts for up
 * to {@code windowNanos} (it stops early once all arrived), discards {@code trim} highest and lowest, corrects
 * each reading for propagation and moves its clock by the mean. {@code delayEstimateNanos} is the fallback
 * propagation delay when a pair could not measure its own.
 */
public record AveragingStart(String round, NodeId coordinator, long t0, long periodNanos, int intervals, int samples,
                             long gapNanos, long windowNanos, int trim, long delayEstimateNanos, List<NodeId> members)
        implements RoundMessage {
    @Override
    public boolean control() {
        return true;
    }
}
