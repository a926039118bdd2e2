package dsys.core.clock;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DriftingClockTest {

    private static final long MS = 1_000_000, S = 1_000_000_000;

    /** True time under the test's control. */
    private long now = 5 * S;

    private DriftingClock clock(long offset, double drift) {
        return new DriftingClock(() -> now, offset, drift, 0.5);
    }

    @Test
    void readsTrueTimePlusOffset() {
        DriftingClock c = clock(-3 * MS, 0);
        assertThat(c.nanos()).isEqualTo(now - 3 * MS);
        assertThat(c.offsetNanos()).isEqualTo(-3 * MS);
        now += S;
        assertThat(c.nanos()).isEqualTo(now - 3 * MS);
    }

    @Test
    void driftMakesItRunFastOrSlowByThatManyPartsPerMillion() {
        DriftingClock fast = clock(0, 100), slow = clock(0, -250);
        long f0 = fast.nanos(), s0 = slow.nanos();
        now += 10 * S;
        assertThat(fast.nanos() - f0).isEqualTo(10 * S + 1 * MS);    // +100 µs per s
        assertThat(slow.nanos() - s0).isEqualTo(10 * S - 2_500_000); // −250 µs per s
        assertThat(fast.offsetNanos()).isEqualTo(MS);
        fast.setDriftPpm(0);
        now += S;
        assertThat(fast.offsetNanos()).as("a new rate applies from now on").isEqualTo(MS);
    }

    @Test
    void aForwardAdjustmentStepsAtOnce() {
        DriftingClock c = clock(0, 0);
        long before = c.nanos();
        c.adjust(7 * MS);
        assertThat(c.nanos()).isEqualTo(before + 7 * MS);
        assertThat(c.pendingSlewNanos()).isZero();
    }

    @Test
    void aBackwardAdjustmentSlewsAndCompletesAfterDeltaOverSlewFraction() {
        DriftingClock c = clock(0, 0);
        long start = c.nanos();
        c.adjust(-10 * MS);
        assertThat(c.nanos()).as("no jump back").isEqualTo(start);
        assertThat(c.pendingSlewNanos()).isEqualTo(-10 * MS);
        now += 4 * MS;
        assertThat(c.nanos() - start).as("half speed while slewing").isEqualTo(2 * MS);
        assertThat(c.pendingSlewNanos()).isEqualTo(-8 * MS);
        now += 16 * MS; // 20 ms = 10 ms / 0.5 in all
        assertThat(c.pendingSlewNanos()).isZero();
        assertThat(c.nanos() - start).isEqualTo(10 * MS);
        assertThat(c.offsetNanos()).isEqualTo(-10 * MS);
        now += 5 * MS;
        assertThat(c.nanos() - start).as("full speed again").isEqualTo(15 * MS);
    }

    @Test
    void aForwardAdjustmentFirstCancelsPendingSlew() {
        DriftingClock c = clock(0, 0);
        c.adjust(-10 * MS);
        c.adjust(4 * MS);
        assertThat(c.pendingSlewNanos()).isEqualTo(-6 * MS);
        long before = c.nanos();
        c.adjust(10 * MS);
        assertThat(c.pendingSlewNanos()).isZero();
        assertThat(c.nanos()).isEqualTo(before + 4 * MS);
    }

    @Test
    void setOffsetIsTheOnlyWayToJumpBack() {
        DriftingClock c = clock(0, 0);
        c.adjust(-5 * MS);
        long before = c.nanos();
        c.setOffsetNanos(-S);
        assertThat(c.nanos()).isEqualTo(now - S).isLessThan(before);
        assertThat(c.pendingSlewNanos()).as("cancels the slew").isZero();
        now += MS;
        assertThat(c.nanos()).isEqualTo(now - S);
    }

    /**
     * Over random sequences of time steps, corrections and rate changes the reading never decreases, never runs
     * faster than the drifted rate nor slower than the slewing rate, and is always ahead of the "ideal" clock (every
     * correction applied at once) by exactly the backward correction not yet absorbed; once that is absorbed the
     * two agree. The rate and ideal checks do not rely on the clock's own monotonicity guard. Tolerance: rounding,
     * a few ns per operation.
     */
    @Test
    void neverRunsBackwardsAndConvergesOnTheIdealClock() {
        SplittableRandom rnd = new SplittableRandom(2024);
        for (int run = 0; run < 300; run++) {
            now = rnd.nextLong(0, 1000 * S);
            double drift = rnd.nextDouble(-500, 500);
            long offset = rnd.nextLong(-S, S);
            DriftingClock c = clock(offset, drift);
            double ideal = now + offset;
            long last = c.nanos();
            int ops = 0;
            for (int i = 0; i < 200; i++, ops++) {
                switch (rnd.nextInt(4)) {
                    case 0, 1 -> {
                        long dt = rnd.nextLong(0, 50 * MS);
                        now += dt;
                        ideal += dt * (1 + drift / 1e6);
                        long r = c.nanos();
                        assertThat(r).as("run %d step %d: never backwards", run, i).isGreaterThanOrEqualTo(last);
                        assertThat((double) (r - last)).as("run %d step %d: rate bounds", run, i)
                                .isBetween(dt * (1 + drift / 1e6) * 0.5 - 2, dt * (1 + drift / 1e6) + 2);
                        last = r;
                    }
                    case 2 -> {
                        long delta = rnd.nextLong(-30 * MS, 30 * MS);
                        c.adjust(delta);
                        ideal += delta;
                        long r = c.nanos();
                        assertThat(r).as("run %d step %d: adjust(%d) never steps back", run, i, delta)
                                .isGreaterThanOrEqualTo(last);
                        last = r;
                    }
                    default -> {
                        drift = rnd.nextDouble(-500, 500);
                        c.setDriftPpm(drift);
                    }
                }
                assertThat((double) c.nanos()).as("run %d step %d: ideal + unabsorbed slew", run, i)
                        .isCloseTo(ideal - c.pendingSlewNanos(), org.assertj.core.data.Offset.offset(2.0 * ops + 2));
            }
            long pending = -c.pendingSlewNanos();
            now += (long) (pending / 0.5 / (1 + drift / 1e6)) + MS;
            ideal += ((long) (pending / 0.5 / (1 + drift / 1e6)) + MS) * (1 + drift / 1e6);
            assertThat(c.pendingSlewNanos()).as("run %d: slew completes", run).isZero();
            assertThat((double) c.nanos()).isCloseTo(ideal, org.assertj.core.data.Offset.offset(2.0 * ops + 2));
        }
    }

    @Test
    void rejectsImpossibleRatesAndSlews() {
        assertThatIllegalArgumentException().isThrownBy(() -> clock(0, 20_000));
        assertThatIllegalArgumentException().isThrownBy(() -> DriftingClock.checkDrift(Double.NaN));
        assertThatIllegalArgumentException().isThrownBy(() -> new DriftingClock(() -> 0, 0, 0, 1.0));
        assertThatIllegalArgumentException().isThrownBy(() -> new DriftingClock(() -> 0, 0, 0, 0));
        assertThat(DriftingClock.perfect(() -> 42).nanos()).isEqualTo(42);
    }
}
