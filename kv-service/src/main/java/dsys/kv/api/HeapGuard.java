package dsys.kv.api;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Comparator;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Every key lives in the heap (the replica's states and the log's map beside them), so a node that goes on taking
 * new keys past its heap spends its time in full collections: a 512 MiB kv node holding 270k keys of 100 bytes
 * served 50 puts/s with a p99 of 2 s. Past {@code fraction} of the old generation's maximum, as measured after its
 * last collection (live data, not garbage waiting), a write of a key this node does not hold is refused (507);
 * overwrites and deletes go on, so the store can still be emptied.
 */
final class HeapGuard {

    private final Supplier<MemoryUsage> afterCollection;
    private final double fraction;

    HeapGuard(double fraction) {
        this(oldGeneration(), fraction);
    }

    /** {@code afterCollection}: the old generation's usage after its last collection (null: no such pool, never full). */
    HeapGuard(Supplier<MemoryUsage> afterCollection, double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("dsys.kv.heap-full-fraction must be in (0, 1], got " + fraction);
        }
        this.afterCollection = afterCollection;
        this.fraction = fraction;
    }

    /** Why this node takes no new key now, or null while it has room. */
    String fullReason() {
        MemoryUsage u = afterCollection.get();
        if (u == null || u.getMax() <= 0 || u.getUsed() <= fraction * u.getMax()) return null;
        return String.format(Locale.ROOT, "this node keeps every key in memory and %d of its %d MiB of old generation "
                        + "were still in use after the last collection (the limit is %.0f %%); overwrites and deletes "
                        + "are taken, new keys are not: delete keys (their tombstones go after dsys.kv.tombstone-horizon-ms) "
                        + "or give the kv nodes a larger heap", u.getUsed() >> 20, u.getMax() >> 20, fraction * 100);
    }

    /** The heap pool that survivors end in (Tenured Gen, G1 Old Gen, ...): the largest one with a collection usage. */
    private static Supplier<MemoryUsage> oldGeneration() {
        MemoryPoolMXBean pool = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isCollectionUsageThresholdSupported())
                .filter(p -> !p.getName().contains("Eden") && !p.getName().contains("Survivor"))
                .max(Comparator.comparingLong(p -> p.getUsage().getMax())).orElse(null);
        return pool == null ? () -> null : pool::getCollectionUsage;
    }
}
