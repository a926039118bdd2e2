package dsys.verifier.linear;

import dsys.verifier.Verdict;
import dsys.verifier.history.Call;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Wing–Gong search with Lowe's just-in-time linearization and memo, over one key, as a loop
 * (no recursion: 10,000 ops deep is fine). Scanning the {@link EntryList} from its head, a
 * call may be linearized if the model accepts it; reaching a return entry means that op can
 * no longer be postponed, so the search backtracks. A (linearized set, state) configuration
 * seen before is never explored again: from equal configurations the rest of the search is
 * identical.
 *
 * <p>Some calls are taken at once, without trying the other candidates ("forced"; when such
 * a level is exhausted, so is its parent). Moving a candidate forward breaks no real-time
 * edge, since every op still open returns after it was invoked, and it loses no
 * linearization when:
 * <ul>
 * <li>it is read-only and fits the state: it changes nothing, so any order that placed it
 *     later still replays without it there;</li>
 * <li>the state is one only blind writes can follow ({@link Model#blindWritesOnly}) and the
 *     call keeps it: then the call is itself a blind write to that state, and wherever an
 *     order placed it, a blind write (or nothing) came next and erased it.</li>
 * </ul>
 * Without this, concurrent reads, and concurrent writes nobody reads, multiply the
 * configurations by every subset of them.
 */
final class WglSearch {

    /** A call of this key; {@code id} is its rank in invocation order. */
    record LinOp(int id, Call call, Model.Transition transition, boolean readOnly) {
    }

    record Outcome(Verdict verdict, Counterexample counterexample, SearchStats stats) {
    }

    private static final int TAIL_SHOWN = 4;

    private final String key;
    private final Model model;
    private final List<LinOp> ops;
    private final long deadlineNanos;
    private final long maxBytes;
    private final EntryList list;
    private final LinearizedSet set;
    private final Memo memo;
    private final Map<Object, Integer> stateIds = new HashMap<>();
    private final List<Object> states = new ArrayList<>();
    private final int[] stackEntry;
    private final int[] stackState;
    private final boolean[] stackForced;
    private int depth;
    private int state;
    private int linearizedFinite;
    private long steps;
    private Counterexample best;
    private int bestDepth = -1;

    WglSearch(String key, Model model, List<LinOp> ops, long deadlineNanos, long maxBytes) {
        this.key = key;
        this.model = model;
        this.ops = ops;
        this.deadlineNanos = deadlineNanos;
        this.maxBytes = maxBytes;
        list = new EntryList(ops);
        set = new LinearizedSet(ops.size());
        memo = new Memo(set.words.length);
        stackEntry = new int[ops.size()];
        stackState = new int[ops.size()];
        stackForced = new boolean[ops.size()];
        state = stateId(model.init());
    }

    Outcome run() {
        int finite = (int) ops.stream().filter(o -> o.call().returnPos() != Call.NEVER).count();
        if (finite == 0) return outcome(Verdict.VALID, null);
        int entry = EntryList.HEAD;   // HEAD: a new level, which first looks for a call to take at once
        while (true) {
            if ((steps++ & 1023) == 0 && System.nanoTime() - deadlineNanos > 0) {
                return outcome(Verdict.UNKNOWN, SearchStats.Exhausted.TIME);
            }
            boolean linearized;
            if (entry == EntryList.HEAD) {
                int eager = eager();
                entry = eager < 0 ? list.first() : eager;
                if (eager < 0) continue;
                linearized = linearize(eager, state, true);
            } else if (list.isCall(entry)) {
                LinOp op = ops.get(list.op(entry));
                Object next = op.readOnly() ? null : op.transition().apply(states.get(state));
                if (next == null || !linearize(entry, stateId(next), false)) {
                    entry = list.next(entry);
                    continue;
                }
                linearized = true;
            } else {
                // A return entry (the tail cannot come first: an open finite op's return precedes it).
                if (depth > bestDepth) record(entry);
                linearized = false;
            }
            if (linearized) {
                if (memo.bytes() > maxBytes || memo.full()) return outcome(Verdict.UNKNOWN, SearchStats.Exhausted.MEMORY);
                if (linearizedFinite == finite) return outcome(Verdict.VALID, null);
                entry = EntryList.HEAD;
                continue;
            }
            // This level is exhausted: undo to the latest level that still has candidates to try.
            boolean forced;
            do {
                if (depth == 0) return outcome(Verdict.INVALID, null);
                forced = stackForced[depth - 1];
                entry = undo();
            } while (forced);
            entry = list.next(entry);
        }
    }

    /**
     * A candidate to take at once, or -1: a read that fits, or, in a state only blind writes
     * can follow, a call that keeps the state as it is.
     */
    private int eager() {
        Object s = states.get(state);
        boolean blind = model.blindWritesOnly(s);
        for (int e = list.first(); list.isCall(e); e = list.next(e)) {
            LinOp op = ops.get(list.op(e));
            if (!op.readOnly() && !blind) continue;
            Object next = op.transition().apply(s);
            if (next != null && (op.readOnly() || next.equals(s))) return e;
        }
        return -1;
    }

    /** Linearizes the call unless the configuration it leads to was explored already. */
    private boolean linearize(int entry, int next, boolean forced) {
        int id = list.op(entry);
        set.add(id);
        if (!memo.add(set, next)) {
            set.remove(id);
            return false;
        }
        stackEntry[depth] = entry;
        stackState[depth] = state;
        stackForced[depth++] = forced;
        state = next;
        list.lift(entry);
        if (list.hasReturn(entry)) linearizedFinite++;
        return true;
    }

    /** Undoes the last linearization; returns its call entry, back in the list. */
    private int undo() {
        int entry = stackEntry[--depth];
        state = stackState[depth];
        set.remove(list.op(entry));
        list.unlift(entry);
        if (list.hasReturn(entry)) linearizedFinite--;
        return entry;
    }

    private int stateId(Object s) {
        Integer id = stateIds.get(s);
        if (id != null) return id;
        stateIds.put(s, states.size());
        states.add(s);
        return states.size() - 1;
    }

    private Outcome outcome(Verdict verdict, SearchStats.Exhausted exhausted) {
        SearchStats stats = new SearchStats(ops.size(), steps, memo.size(), Math.max(bestDepth, depth), exhausted);
        return new Outcome(verdict, verdict == Verdict.VALID ? null : best, stats);
    }

    /** Where the search got deepest: the last ops linearized, the state, and the calls that could not go next. */
    private void record(int blockedAt) {
        bestDepth = depth;
        List<Call> candidates = new ArrayList<>();
        for (int e = list.first(); e != blockedAt; e = list.next(e)) {
            if (list.isCall(e)) candidates.add(ops.get(list.op(e)).call());
        }
        List<Call> tail = new ArrayList<>();
        for (int i = Math.max(0, depth - TAIL_SHOWN); i < depth; i++) tail.add(ops.get(list.op(stackEntry[i])).call());
        Call blocking = blockedAt == EntryList.TAIL ? null : ops.get(list.op(blockedAt)).call();
        best = new Counterexample(key, model.describe(states.get(state)), depth, tail, blocking, candidates);
    }
}
