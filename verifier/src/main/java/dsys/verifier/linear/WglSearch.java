package dsys.verifier.linear;

import dsys.verifier.Verdict;
import dsys.verifier.history.Call;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Wing–Gong search with Lowe's memoization, over one key. The history is a linked list of
 * call and return entries in real-time order. Scanning from the head, a call may be
 * linearized if the model accepts it; linearizing lifts both its entries out of the list.
 * Reaching a return means the op it belongs to can no longer be postponed, so the search
 * backtracks. A (linearized set, state) pair seen before is never explored again: from
 * equal configurations the remaining search is identical. Calls with unknown outcome have
 * no return entry: they may take effect anywhere after their call, or never.
 */
final class WglSearch {

    record LinOp(int id, Call call, Model.Transition transition) {
    }

    record Outcome(Verdict verdict, Counterexample counterexample, long steps, int memoized) {
    }

    private static final class Entry {
        final LinOp op;
        final boolean isCall;
        Entry match;
        Entry prev;
        Entry next;

        Entry(LinOp op, boolean isCall) {
            this.op = op;
            this.isCall = isCall;
        }
    }

    /** Memo key; {@code hash} is a Zobrist hash of {@code bits}, kept incrementally. */
    private record Config(long[] bits, long hash, Object state) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Config c && c.hash == hash && c.state.equals(state) && Arrays.equals(c.bits, bits);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(hash) * 31 + state.hashCode();
        }
    }

    private static final int TAIL = 4;

    private final String key;
    private final Model model;
    private final List<LinOp> ops;
    private final long deadlineNanos;
    private final long maxBytes;
    private Counterexample best;
    private int bestDepth = -1;

    WglSearch(String key, Model model, List<LinOp> ops, long deadlineNanos, long maxBytes) {
        this.key = key;
        this.model = model;
        this.ops = ops;
        this.deadlineNanos = deadlineNanos;
        this.maxBytes = maxBytes;
    }

    Outcome run() {
        int n = ops.size();
        Entry head = link();
        int finite = 0;
        for (LinOp op : ops) if (op.call().returnPos() != Call.NEVER) finite++;
        if (finite == 0) return new Outcome(Verdict.VALID, null, 0, 0);

        long[] zobrist = new SplittableRandom(n).longs(n).toArray();
        long[] bits = new long[(n + 63) >>> 6];
        long hash = 0;
        long bytesPerEntry = bits.length * 8L + 96;
        HashSet<Config> memo = new HashSet<>();
        Entry[] stackEntry = new Entry[n];
        Object[] stackState = new Object[n];
        int depth = 0;
        int linearizedFinite = 0;
        Object state = model.init();
        Entry entry = head.next;
        long steps = 0;

        while (true) {
            if ((++steps & 1023) == 0
                    && (System.nanoTime() - deadlineNanos > 0 || memo.size() * bytesPerEntry > maxBytes)) {
                return new Outcome(Verdict.UNKNOWN, best, steps, memo.size());
            }
            if (entry != null && entry.isCall) {
                Object next = entry.op.transition().apply(state);
                if (next != null) {
                    int id = entry.op.id();
                    bits[id >>> 6] ^= 1L << id;
                    hash ^= zobrist[id];
                    if (memo.add(new Config(bits.clone(), hash, next))) {
                        stackEntry[depth] = entry;
                        stackState[depth++] = state;
                        state = next;
                        lift(entry);
                        if (entry.match != null && ++linearizedFinite == finite) {
                            return new Outcome(Verdict.VALID, null, steps, memo.size());
                        }
                        entry = head.next;
                        continue;
                    }
                    bits[id >>> 6] ^= 1L << id;
                    hash ^= zobrist[id];
                }
                entry = entry.next;
            } else {
                if (depth > bestDepth) record(head, entry, state, stackEntry, depth);
                if (depth == 0) return new Outcome(Verdict.INVALID, best, steps, memo.size());
                entry = stackEntry[--depth];
                state = stackState[depth];
                stackState[depth] = null;
                int id = entry.op.id();
                bits[id >>> 6] ^= 1L << id;
                hash ^= zobrist[id];
                unlift(entry);
                if (entry.match != null) linearizedFinite--;
                entry = entry.next;
            }
        }
    }

    private Entry link() {
        List<Entry> entries = new ArrayList<>(ops.size() * 2);
        List<Integer> positions = new ArrayList<>(ops.size() * 2);
        for (LinOp op : ops) {
            Entry call = new Entry(op, true);
            entries.add(call);
            positions.add(op.call().invokePos());
            if (op.call().returnPos() != Call.NEVER) {
                Entry ret = new Entry(op, false);
                call.match = ret;
                ret.match = call;
                entries.add(ret);
                positions.add(op.call().returnPos());
            }
        }
        Integer[] order = new Integer[entries.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt(positions::get));
        Entry head = new Entry(null, false);
        Entry last = head;
        for (Integer i : order) {
            Entry e = entries.get(i);
            last.next = e;
            e.prev = last;
            last = e;
        }
        return head;
    }

    private static void lift(Entry call) {
        call.prev.next = call.next;
        if (call.next != null) call.next.prev = call.prev;
        Entry ret = call.match;
        if (ret != null) {
            ret.prev.next = ret.next;
            if (ret.next != null) ret.next.prev = ret.prev;
        }
    }

    private static void unlift(Entry call) {
        Entry ret = call.match;
        if (ret != null) {
            ret.prev.next = ret;
            if (ret.next != null) ret.next.prev = ret;
        }
        call.prev.next = call;
        if (call.next != null) call.next.prev = call;
    }

    private void record(Entry head, Entry blockedAt, Object state, Entry[] stack, int depth) {
        bestDepth = depth;
        List<Call> candidates = new ArrayList<>();
        for (Entry e = head.next; e != blockedAt; e = e.next) {
            if (e.isCall) candidates.add(e.op.call());
        }
        List<Call> tail = new ArrayList<>();
        for (int i = Math.max(0, depth - TAIL); i < depth; i++) tail.add(stack[i].op.call());
        Call blocking = blockedAt == null ? null : blockedAt.op.call();
        best = new Counterexample(key, model.describe(state), depth, tail, blocking, candidates);
    }
}
