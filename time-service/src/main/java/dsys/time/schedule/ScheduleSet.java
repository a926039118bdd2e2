package dsys.time.schedule;

import dsys.time.sync.Algorithm;

/** Request: keep every pair of clocks within {@code maxSkewNanos} by resynchronizing with {@code algorithm}. */
public record ScheduleSet(Algorithm algorithm, long maxSkewNanos) {
}
