package dsys.time.core;

/**
 * One node's clock as a lab instrument sees it. {@code clockNanos} is the hardware reading; {@code offsetNanos}
 * is reading − true time (the simulated clock knows it); {@code pendingSlewNanos} is what a backward correction
 * still has to absorb, so {@code offsetNanos + pendingSlewNanos} is the offset once slewing completes.
 */
public record NodeStatus(String node, boolean reachable, long clockNanos, long trueNanos, long offsetNanos,
                         long pendingSlewNanos, double driftPpm, int stratum, String parent, boolean reference,
                         long lamport) {

    public static NodeStatus unreachable(String node) {
        return new NodeStatus(node, false, 0, 0, 0, 0, 0, 0, null, false, 0);
    }

    /** The offset once pending slews are absorbed. */
    public long settledOffsetNanos() {
        return offsetNanos + pendingSlewNanos;
    }

    /** The clock reading once pending slews are absorbed (what the algorithms treat as this node's time). */
    public long correctedClockNanos() {
        return clockNanos + pendingSlewNanos;
    }
}
