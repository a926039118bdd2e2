package dsys.core.clock;

import java.util.function.LongSupplier;

/**
 * A simulated hardware clock over a source of true time: reading = true time + offset, advancing at
 * (1 + drift/10⁶) of true speed. Backward corrections are slewed: while a correction is pending the clock
 * advances at (1 − slewFraction) of its normal speed. Thread-safe (the NTP server reads it off-thread).
 */
public final class DriftingClock implements PhysicalClock {

    /** Drifts beyond this are rejected: real quartz is within ~100 ppm, the lab allows much more. */
    public static final double MAX_DRIFT_PPM = 10_000;

    private final LongSupplier trueNanos;
    private final double slewFraction;
    private long baseTrue;      // true time at the last rebase
    private long baseReading;   // clock reading at the last rebase
    private double driftPpm;
    private long pendingSlew;   // ≤ 0: backward correction still to absorb
    private long lastReading = Long.MIN_VALUE;

    public DriftingClock(LongSupplier trueNanos, long offsetNanos, double driftPpm, double slewFraction) {
        if (slewFraction <= 0 || slewFraction >= 1) throw new IllegalArgumentException("slewFraction must be in (0, 1)");
        checkDrift(driftPpm);
        this.trueNanos = trueNanos;
        this.slewFraction = slewFraction;
        this.driftPpm = driftPpm;
        this.baseTrue = trueNanos.getAsLong();
        this.baseReading = baseTrue + offsetNanos;
    }

    /** A perfect clock (offset 0, drift 0) that slews at half speed. */
    public static DriftingClock perfect(LongSupplier trueNanos) {
        return new DriftingClock(trueNanos, 0, 0, 0.5);
    }

    public static void checkDrift(double ppm) {
        if (!(Math.abs(ppm) <= MAX_DRIFT_PPM)) {
            throw new IllegalArgumentException("drift must be within ±" + (long) MAX_DRIFT_PPM + " ppm, was " + ppm);
        }
    }

    @Override
    public synchronized long nanos() {
        long r = readAt(trueNanos.getAsLong());
        if (r < lastReading) r = lastReading; // guards rounding only: the model itself is monotone
        lastReading = r;
        return r;
    }

    private long readAt(long now) {
        double elapsed = (now - baseTrue) * (1 + driftPpm / 1e6);
        double absorbed = Math.min(-pendingSlew, elapsed * slewFraction);
        return baseReading + Math.round(elapsed - absorbed);
    }

    /** Moves the base to now so later changes of rate apply from now on. */
    private long rebase() {
        long now = trueNanos.getAsLong();
        double elapsed = (now - baseTrue) * (1 + driftPpm / 1e6);
        long absorbed = Math.round(Math.min(-pendingSlew, elapsed * slewFraction));
        baseReading = Math.max(readAt(now), lastReading);
        pendingSlew += absorbed;
        baseTrue = now;
        return now;
    }

    @Override
    public synchronized long offsetNanos() {
        long now = trueNanos.getAsLong();
        return readAt(now) - now;
    }

    @Override
    public synchronized double driftPpm() {
        return driftPpm;
    }

    @Override
    public synchronized long pendingSlewNanos() {
        rebase();
        return pendingSlew;
    }

    @Override
    public synchronized void adjust(long deltaNanos) {
        rebase();
        long total = pendingSlew + deltaNanos;
        if (total >= 0) {
            baseReading += total;
            pendingSlew = 0;
        } else {
            pendingSlew = total;
        }
    }

    /** Fault injection: change the rate from now on. */
    public synchronized void setDriftPpm(double ppm) {
        checkDrift(ppm);
        rebase();
        this.driftPpm = ppm;
    }

    /**
     * Fault injection: set the clock wrong by {@code offsetNanos} against true time, at once. This is the one
     * way a clock may jump backwards (a person setting it), and it cancels any pending slew.
     */
    public synchronized void setOffsetNanos(long offsetNanos) {
        long now = rebase();
        baseReading = now + offsetNanos;
        pendingSlew = 0;
        lastReading = Long.MIN_VALUE;
    }
}
