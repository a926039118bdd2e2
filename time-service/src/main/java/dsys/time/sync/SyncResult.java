package dsys.time.sync;

import dsys.time.core.NodeStatus;
import dsys.time.core.SyncDone;

import java.util.List;
import java.util.Map;

/**
 * One round, as the coordinator saw it. Offsets in the snapshots are settled offsets (offset + pending slew),
 * i.e. where each clock is once its backward corrections are absorbed; {@code skewBoundNanos} is the largest
 * pairwise skew the algorithm guarantees among {@code boundCovers} right after the round (drift adds 2ρ per
 * unit of time after that).
 */
public record SyncResult(String round, String algorithm, String mode, String coordinator, long durationNanos,
                         Snapshot before, Snapshot after, Messages messages, Map<String, SyncDone> reports,
                         long skewBoundNanos, List<String> boundCovers) {

    public record Snapshot(long maxSkewNanos, Map<String, NodeStatus> nodes, List<String> unreachable) {
    }

    /** Algorithm messages actually sent (summed over every node's tally) and what the notes' formula expects. */
    public record Messages(long count, Map<String, Long> byType, long expected, String expectedRule, long control) {
    }
}
