package dsys.time.schedule;

/**
 * Notes §4.1: two clocks drifting at most ρ apart from true time drift apart at up to 2ρ, so to keep them within
 * δ of each other they must be resynchronized at least every δ/(2ρ). A round leaves a residual skew s₀ and takes
 * a while itself, so the schedule waits (δ − s₀)/(2ρ) − round duration: the skew then reaches δ at the latest when
 * the next round's corrections land.
 *
 * @param notesIntervalNanos δ/(2ρ), the notes' figure
 * @param intervalNanos      the wait actually used before the next round
 */
public record ResyncInterval(long maxSkewNanos, double rhoPpm, long notesIntervalNanos, long intervalNanos) {

    public static ResyncInterval of(long maxSkewNanos, double rhoPpm, long residualSkewNanos, long roundNanos,
                                    long minNanos, long maxNanos) {
        double twoRho = 2 * Math.abs(rhoPpm) / 1e6;
        long notes = twoRho == 0 ? maxNanos : (long) Math.min(maxNanos, maxSkewNanos / twoRho);
        long wait = twoRho == 0 ? maxNanos
                : (long) Math.min(maxNanos, Math.max(0, maxSkewNanos - residualSkewNanos) / twoRho - roundNanos);
        return new ResyncInterval(maxSkewNanos, rhoPpm, notes, Math.max(minNanos, wait));
    }
}
