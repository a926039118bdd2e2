package dsys.verifier.linear;

import dsys.verifier.history.Call;

import java.util.Arrays;
import java.util.List;

/**
 * The history of one key as a doubly linked list of call and return entries in real-time
 * order, in arrays (no object per entry). Linearizing a call lifts its call and return
 * entries out of the list; backtracking unlifts them in reverse order (dancing links), so
 * both are O(1). A call with unknown outcome has no return entry: nothing ever forces it.
 */
final class EntryList {
    static final int HEAD = 0;
    static final int TAIL = 1;

    private final int[] next;
    private final int[] prev;
    private final int[] op;
    private final int[] match;
    private final boolean[] call;

    EntryList(List<WglSearch.LinOp> ops) {
        int size = 2;
        for (WglSearch.LinOp o : ops) size += o.call().returnPos() == Call.NEVER ? 1 : 2;
        next = new int[size];
        prev = new int[size];
        op = new int[size];
        match = new int[size];
        call = new boolean[size];
        long[] byPosition = new long[size - 2];
        int e = 2;
        for (WglSearch.LinOp o : ops) {
            op[e] = o.id();
            call[e] = true;
            match[e] = -1;
            byPosition[e - 2] = (long) o.call().invokePos() << 32 | e;
            if (o.call().returnPos() != Call.NEVER) {
                match[e] = e + 1;
                op[e + 1] = o.id();
                match[e + 1] = e;
                byPosition[e - 1] = (long) o.call().returnPos() << 32 | e + 1;
                e++;
            }
            e++;
        }
        Arrays.sort(byPosition);
        int last = HEAD;
        for (long p : byPosition) {
            int entry = (int) p;
            next[last] = entry;
            prev[entry] = last;
            last = entry;
        }
        next[last] = TAIL;
        prev[TAIL] = last;
        next[TAIL] = TAIL;
    }

    int first() {
        return next[HEAD];
    }

    int next(int entry) {
        return next[entry];
    }

    /** A call entry; false for return entries and for {@link #TAIL}. */
    boolean isCall(int entry) {
        return call[entry];
    }

    /** The op of a call or return entry. */
    int op(int entry) {
        return op[entry];
    }

    boolean hasReturn(int callEntry) {
        return match[callEntry] >= 0;
    }

    void lift(int callEntry) {
        unlink(callEntry);
        if (match[callEntry] >= 0) unlink(match[callEntry]);
    }

    void unlift(int callEntry) {
        if (match[callEntry] >= 0) relink(match[callEntry]);
        relink(callEntry);
    }

    private void unlink(int e) {
        next[prev[e]] = next[e];
        prev[next[e]] = prev[e];
    }

    private void relink(int e) {
        next[prev[e]] = e;
        prev[next[e]] = e;
    }
}
