package dsys.core.sim;

import java.time.Duration;
import java.util.Objects;

/**
 * The clocks the simulator gives the nodes it is not told otherwise about: each node's hardware clock starts up to
 * {@code maxOffset} either side of true time, and both its clocks (hardware and monotonic, one oscillator) run
 * up to {@code maxDriftPpm} fast or slow; the monotonic clock starts anywhere in [0, maxOffset] (its origin means
 * nothing). Drawn from the seed and the node id, so adding a node changes no other node's clocks.
 */
public record ClockBounds(Duration maxOffset, double maxDriftPpm) {

    /** Quartz as it comes: ±100 ppm, clocks within a second of true time. */
    public static final ClockBounds REALISTIC = new ClockBounds(Duration.ofSeconds(1), 100);

    /** Every clock reads true time: for tests whose point is exact timing, not clocks. */
    public static final ClockBounds PERFECT = new ClockBounds(Duration.ZERO, 0);

    public ClockBounds {
        Objects.requireNonNull(maxOffset, "maxOffset");
        if (maxOffset.isNegative()) throw new IllegalArgumentException("maxOffset must not be negative");
        if (!(maxDriftPpm >= 0 && maxDriftPpm <= dsys.core.clock.DriftingClock.MAX_DRIFT_PPM)) {
            throw new IllegalArgumentException("maxDriftPpm must be in [0, " + (long) dsys.core.clock.DriftingClock.MAX_DRIFT_PPM
                    + "], was " + maxDriftPpm);
        }
    }

    /** ρ: the largest rate error of any clock against true time, as a fraction. */
    public double rho() {
        return maxDriftPpm / 1e6;
    }
}
