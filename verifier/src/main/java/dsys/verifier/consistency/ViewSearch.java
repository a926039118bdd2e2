package dsys.verifier.consistency;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Is there a legal sequential order of the ops in {@code view} that respects {@code pred}?
 * Legal: every read returns the value of the latest write to its key before it (or the
 * initial null). Depth-first over orders, with four savings, each keeping some solution if
 * there is one:
 * <ul>
 * <li>a write that no read in the view reads and nothing must follow goes last, outside the
 * search (moving it to the end of a legal order keeps it legal);</li>
 * <li>a read that is enabled and legal is placed at once (reads change no state);</li>
 * <li>while the current write of a key still has unplaced readers, no other write to that
 * key is placed (its readers could never be placed after);</li>
 * <li>dead (placed set, register state) configurations are remembered.</li>
 * </ul>
 */
final class ViewSearch {
    private final RegisterOps ops;
    private final long view;
    private final long[] pred;
    /** Per op: the reads in the view that read from it (for INITIAL, see {@link #initialReaders}). */
    private final long[] readers;
    private final long[] initialReaders;
    private final Set<Config> dead = new HashSet<>();

    private record Config(long placed, int[] state) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Config c && c.placed == placed && Arrays.equals(c.state, state);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(placed) * 31 + Arrays.hashCode(state);
        }
    }

    private ViewSearch(RegisterOps ops, long view, long[] pred) {
        this.ops = ops;
        this.pred = pred;
        readers = new long[ops.n];
        initialReaders = new long[ops.keys];
        for (long rest = view; rest != 0; rest &= rest - 1) {
            int i = Long.numberOfTrailingZeros(rest);
            if (ops.write[i]) continue;
            if (ops.readsFrom[i] >= 0) readers[ops.readsFrom[i]] |= 1L << i;
            else if (ops.readsFrom[i] == RegisterOps.INITIAL) initialReaders[ops.key[i]] |= 1L << i;
        }
        this.view = view & ~lastWrites(view);
    }

    static boolean exists(RegisterOps ops, long view, long[] pred) {
        int[] state = new int[ops.keys];
        Arrays.fill(state, RegisterOps.INITIAL);
        return new ViewSearch(ops, view, pred).search(0, state);
    }

    /** Writes that can go after everything: unread, and nothing (left) must follow them. */
    private long lastWrites(long view) {
        long last = 0;
        boolean grew = true;
        while (grew) {
            grew = false;
            for (long rest = view & ~last; rest != 0; rest &= rest - 1) {
                int w = Long.numberOfTrailingZeros(rest);
                if (!ops.write[w] || readers[w] != 0) continue;
                boolean followed = false;
                for (long others = view & ~last; others != 0 && !followed; others &= others - 1) {
                    followed = (pred[Long.numberOfTrailingZeros(others)] >>> w & 1) != 0;
                }
                if (!followed) {
                    last |= 1L << w;
                    grew = true;
                }
            }
        }
        return last;
    }

    private boolean search(long placed, int[] state) {
        placed = placeReads(placed, state);
        if (placed == view) return true;
        Config config = new Config(placed, state.clone());
        if (dead.contains(config)) return false;
        for (long rest = view & ~placed; rest != 0; rest &= rest - 1) {
            int i = Long.numberOfTrailingZeros(rest);
            if (!ops.write[i] || !enabled(i, placed) || stillRead(state[ops.key[i]], ops.key[i], placed)) continue;
            int before = state[ops.key[i]];
            state[ops.key[i]] = i;
            if (search(placed | 1L << i, state)) return true;
            state[ops.key[i]] = before;
        }
        dead.add(config);
        return false;
    }

    private long placeReads(long placed, int[] state) {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (long rest = view & ~placed; rest != 0; rest &= rest - 1) {
                int i = Long.numberOfTrailingZeros(rest);
                if (!ops.write[i] && enabled(i, placed) && state[ops.key[i]] == ops.readsFrom[i]) {
                    placed |= 1L << i;
                    progress = true;
                }
            }
        }
        return placed;
    }

    /** The key's current write (or its initial value) still has readers waiting to be placed. */
    private boolean stillRead(int current, int key, long placed) {
        long waiting = current == RegisterOps.INITIAL ? initialReaders[key] : readers[current];
        return (waiting & ~placed) != 0;
    }

    private boolean enabled(int i, long placed) {
        return (pred[i] & view & ~placed) == 0;
    }
}
