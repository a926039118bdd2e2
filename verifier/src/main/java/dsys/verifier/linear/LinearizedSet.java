package dsys.verifier.linear;

import java.util.SplittableRandom;

/**
 * The set of linearized ops as a bitset with a Zobrist hash kept up to date on every flip.
 * Ops are numbered in invocation order and the search linearizes roughly in that order, so
 * the set is almost always "every op below some point, plus a few just above it": {@link #lo}
 * (the first word not all ones) and {@link #hi} (the last word not zero) are tracked so the
 * memo stores only the words between them, a handful instead of n/64.
 */
final class LinearizedSet {
    final long[] words;
    private final long[] zobrist;
    private long hash;
    private int lo;
    private int hi = -1;

    LinearizedSet(int n) {
        words = new long[(n + 63) >>> 6];
        zobrist = new SplittableRandom(0x5eed ^ n).longs(n).toArray();
    }

    void add(int id) {
        int w = id >>> 6;
        words[w] |= 1L << id;
        hash ^= zobrist[id];
        if (w > hi) hi = w;
        while (lo < words.length && words[lo] == -1L) lo++;
    }

    void remove(int id) {
        int w = id >>> 6;
        words[w] &= ~(1L << id);
        hash ^= zobrist[id];
        if (w < lo) lo = w;
        while (hi >= 0 && words[hi] == 0) hi--;
    }

    boolean contains(int id) {
        return (words[id >>> 6] & 1L << id) != 0;
    }

    long hash() {
        return hash;
    }

    /** Every word below this one is all ones. */
    int lo() {
        return lo;
    }

    /** Words from {@link #lo} on that may hold a one: the rest are zero. */
    int span() {
        return Math.max(0, hi - lo + 1);
    }
}
