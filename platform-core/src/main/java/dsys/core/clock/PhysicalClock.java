package dsys.core.clock;

/** A node's hardware clock: what the node believes the time is (notes §4). */
public interface PhysicalClock {

    /** This clock's reading, nanoseconds since the epoch. Never decreases across calls unless a fault sets it. */
    long nanos();

    default long millis() {
        return Math.floorDiv(nanos(), 1_000_000L);
    }

    /** Reading minus true time, now (positive: the clock is ahead). */
    long offsetNanos();

    /** Rate error in parts per million (positive: the clock runs fast). */
    double driftPpm();

    /**
     * A synchronization correction. Forward corrections step at once; backward ones are slewed
     * (the clock runs slower until the correction is absorbed), so the clock never runs backwards.
     */
    void adjust(long deltaNanos);

    /** The part of earlier backward corrections not yet absorbed (≤ 0). */
    long pendingSlewNanos();
}
