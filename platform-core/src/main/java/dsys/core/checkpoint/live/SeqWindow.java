package dsys.core.checkpoint.live;

import java.util.BitSet;

/**
 * The distinct sequence numbers received on one channel for one colour, counted once each however often and in
 * whatever order they arrive (an anti-replay window, as IPsec keeps one). Numbers at or below {@code floor} are
 * settled; those above it within {@link #SIZE} are remembered bit by bit. A number more than {@code SIZE} ahead
 * pushes the window on, and what it passes unseen is given up: a message overtaken by more than {@code SIZE}
 * later ones counts as lost even if it turns up. O(1) per message, 128 bytes per channel and colour.
 */
final class SeqWindow {

    static final int SIZE = 1024;

    private long floor;
    private final BitSet seen = new BitSet(SIZE);
    private long count;

    /** Takes {@code seq}; true the first time it is seen. */
    boolean take(long seq) {
        if (seq <= floor) return false;
        if (seq > floor + SIZE) slide(seq - SIZE);
        int bit = (int) (seq % SIZE);
        if (seen.get(bit)) return false;
        seen.set(bit);
        count++;
        while (seen.get((int) ((floor + 1) % SIZE))) {
            floor++;
            seen.clear((int) (floor % SIZE));
        }
        return true;
    }

    private void slide(long to) {
        if (to - floor >= SIZE) seen.clear();
        else for (long s = floor + 1; s <= to; s++) seen.clear((int) (s % SIZE));
        floor = to;
    }

    /** Distinct numbers taken so far. */
    long count() {
        return count;
    }
}
