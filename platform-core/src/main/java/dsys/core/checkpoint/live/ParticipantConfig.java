package dsys.core.checkpoint.live;

import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.Objects;

/**
 * How a node takes part in checkpoints of a wrapped core.
 *
 * @param scope            the storage prefix every entry of the wrapped core starts with: its whole state
 * @param prefix           where the checkpoints live in storage (must not overlap {@code scope})
 * @param initiator        the only node whose control messages count (txn-1 live)
 * @param codec            for recorded messages and metadata on stable storage
 * @param filter           applied to a restored state and to redelivered messages
 * @param independentEvery mean time between scheduled independent checkpoints (each gap 0.5–1.5 times it); null:
 *                         only when the initiator's query (or a {@link Views.CheckpointNow}) asks
 * @param keep             local checkpoints kept per algorithm (snapshots, permanent coordinated ones, independent
 *                         ones with their data; the independent base is kept besides)
 * @param blockLimit       the longest a node holds its sends back for a coordinated round it has acknowledged; then
 *                         it sends again but keeps its tentative checkpoint until the round's outcome comes. Longer
 *                         than the initiator's round timeout, so the round is decided (all acknowledged, or aborted)
 *                         before anyone sends again.
 */
public record ParticipantConfig(String scope, String prefix, NodeId initiator, Codec codec, RestoreFilter filter,
                                Duration independentEvery, int keep, Duration blockLimit) {

    public ParticipantConfig {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(initiator, "initiator");
        Objects.requireNonNull(codec, "codec");
        filter = filter == null ? RestoreFilter.NONE : filter;
        if (independentEvery != null && (independentEvery.isNegative() || independentEvery.isZero())) independentEvery = null;
        if (keep < 1) throw new IllegalArgumentException("keep must be at least 1, got " + keep);
        Objects.requireNonNull(blockLimit, "blockLimit");
    }
}
