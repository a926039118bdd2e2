package dsys.platform.node;

import org.junit.jupiter.api.Test;

import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class HostTimeAnchorTest {

    /** A host whose true time advances 1 µs per clock read, and 16 ms more whenever {@code stall} says so. */
    private static final class Host {
        long now = 1_000_000_000_000L; // true ns since the epoch
        final long monoBase = 42;      // the monotonic clock counts from an arbitrary origin
        int reads;
        final java.util.function.IntPredicate stall;

        Host(java.util.function.IntPredicate stall) {
            this.stall = stall;
        }

        long tick() {
            now += 1_000;
            if (stall.test(++reads)) now += 16_000_000;
            return now;
        }

        LongSupplier wall() {
            return this::tick;
        }

        LongSupplier mono() {
            return () -> tick() - 1_000_000_000_000L + monoBase;
        }
    }

    @Test
    void aStallBetweenTheReadingsOfTheFirstTryDoesNotShiftTrueTime() {
        Host h = new Host(read -> read == 3); // preempted between the first wall reading and the monotonic one after it
        LongSupplier t = HostTimeAnchor.trueNanos(h.wall(), h.mono());
        long truth = h.now;
        assertThat(Math.abs(t.getAsLong() - (truth + 1_000))).as("error in ns").isLessThanOrEqualTo(1_000);
    }

    @Test
    void withoutStallsTheAnchorIsTheHostTime() {
        Host h = new Host(read -> false);
        LongSupplier t = HostTimeAnchor.trueNanos(h.wall(), h.mono());
        long truth = h.now;
        assertThat(Math.abs(t.getAsLong() - (truth + 1_000))).isLessThanOrEqualTo(1_000);
    }

    @Test
    void aStallAtAnyReadingOfTheAnchoringDoesNotShiftTrueTime() {
        // One wall reading bracketed once (TRIES = 1) is 8 ms off when the stall falls inside its bracket.
        for (int at = 1; at <= 3 * HostTimeAnchor.TRIES; at++) {
            int stallAt = at;
            Host h = new Host(read -> read == stallAt);
            LongSupplier t = HostTimeAnchor.trueNanos(h.wall(), h.mono());
            long truth = h.now;
            assertThat(Math.abs(t.getAsLong() - (truth + 1_000))).as("error in ns, stalled at reading " + at)
                    .isLessThanOrEqualTo(1_000);
        }
    }
}
