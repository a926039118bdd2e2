package dsys.verifier.linear;

import java.util.ArrayList;
import java.util.List;

/**
 * Lowe's memo: the (linearized set, state) configurations already explored. A configuration
 * is stored exactly (never by hash alone, so a collision cannot prune a live branch) but
 * compactly: its state's number, {@link LinearizedSet#lo} and the few words from there on,
 * in pages of longs; an open-addressing table of offsets finds it. About 50 bytes per
 * configuration where a cloned n-bit set costs n/8 bytes (1.3 KB at 10,000 ops).
 */
final class Memo {
    private static final int HEADER = 3;   // hash, state << 32 | lo, span

    private final int pageSize;
    private final List<long[]> pages = new ArrayList<>();
    private int used;        // longs used in the last page
    private int[] slots = new int[1 << 12];  // 1 + global offset of an entry, 0 = empty
    private int[] tags = new int[1 << 12];   // low bits of the entry's hash, to skip most mismatches
    private int size;

    Memo(int bitsetWords) {
        pageSize = Math.max(1 << 16, Integer.highestOneBit(bitsetWords + HEADER) << 1);
        pages.add(new long[pageSize]);
    }

    int size() {
        return size;
    }

    long bytes() {
        return (long) pages.size() * pageSize * 8 + (long) slots.length * 8;
    }

    /** True when offsets (ints) are about to run out: the search must stop adding. */
    boolean full() {
        return (long) (pages.size() + 2) * pageSize > Integer.MAX_VALUE || slots.length >= 1 << 30;
    }

    /** Adds the configuration; false when it was already there. */
    boolean add(LinearizedSet set, int state) {
        long hash = set.hash() * 0x9E3779B97F4A7C15L + state;
        int tag = (int) (hash >>> 32);
        int mask = slots.length - 1;
        for (int i = (int) hash & mask; slots[i] != 0; i = (i + 1) & mask) {
            if (tags[i] == tag && same(slots[i] - 1, hash, set, state)) return false;
        }
        if (2 * (size + 1) > slots.length) {
            grow();
            mask = slots.length - 1;
        }
        int offset = store(hash, set, state);
        int i = (int) hash & mask;
        while (slots[i] != 0) i = (i + 1) & mask;
        slots[i] = offset + 1;
        tags[i] = tag;
        size++;
        return true;
    }

    private boolean same(int offset, long hash, LinearizedSet set, int state) {
        long[] page = pages.get(offset / pageSize);
        int at = offset % pageSize;
        if (page[at] != hash || page[at + 1] != meta(set, state) || page[at + 2] != set.span()) return false;
        long[] words = set.words;
        for (int k = 0, lo = set.lo(), span = set.span(); k < span; k++) {
            if (page[at + HEADER + k] != words[lo + k]) return false;
        }
        return true;
    }

    private int store(long hash, LinearizedSet set, int state) {
        int span = set.span();
        if (used + HEADER + span > pageSize) {
            pages.add(new long[pageSize]);
            used = 0;
        }
        long[] page = pages.get(pages.size() - 1);
        page[used] = hash;
        page[used + 1] = meta(set, state);
        page[used + 2] = span;
        System.arraycopy(set.words, set.lo(), page, used + HEADER, span);
        int offset = (pages.size() - 1) * pageSize + used;
        used += HEADER + span;
        return offset;
    }

    private static long meta(LinearizedSet set, int state) {
        return (long) state << 32 | set.lo();
    }

    private void grow() {
        int[] oldSlots = slots;
        int[] oldTags = tags;
        slots = new int[oldSlots.length * 2];
        tags = new int[oldSlots.length * 2];
        int mask = slots.length - 1;
        for (int j = 0; j < oldSlots.length; j++) {
            if (oldSlots[j] == 0) continue;
            int offset = oldSlots[j] - 1;
            long hash = pages.get(offset / pageSize)[offset % pageSize];
            int i = (int) hash & mask;
            while (slots[i] != 0) i = (i + 1) & mask;
            slots[i] = oldSlots[j];
            tags[i] = oldTags[j];
        }
    }
}
