package dsys.platform.node;

import java.util.function.LongSupplier;

/**
 * True time for a live node: the host's wall clock read once, then carried forward by the monotonic clock so that
 * host clock steps do not leak in. The wall reading and the monotonic reading that anchor it must be taken at the
 * same instant; a thread preempted between the two (13 JVMs starting on 2 cores) anchored a node 16 ms behind the
 * host for its whole life, which a real NTP client then measured. So, as in Cristian's algorithm, the wall clock is
 * read between two monotonic readings several times, and the tightest bracket wins, its midpoint the anchor.
 */
public final class HostTimeAnchor {

    static final int TRIES = 16;

    private HostTimeAnchor() {
    }

    /** True time in nanoseconds since the epoch, anchored as above. */
    public static LongSupplier trueNanos(LongSupplier wallNanos, LongSupplier monoNanos) {
        long bestWidth = Long.MAX_VALUE, wall = 0, mono = 0;
        for (int i = 0; i < TRIES; i++) {
            long before = monoNanos.getAsLong();
            long w = wallNanos.getAsLong();
            long after = monoNanos.getAsLong();
            if (after - before < bestWidth) {
                bestWidth = after - before;
                wall = w;
                mono = before + (after - before) / 2;
            }
        }
        long anchorWall = wall, anchorMono = mono;
        return () -> anchorWall + (monoNanos.getAsLong() - anchorMono);
    }
}
