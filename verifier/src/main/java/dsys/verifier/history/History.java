package dsys.verifier.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable, validated history: ops in journal order, paired into {@link Call}s.
 * Rules enforced: a process has at most one call in flight; a completion matches its
 * invocation's f and key; a process that got {@code info} never invokes again (a crashed
 * client comes back under a new process id); indices strictly increase. Nemesis lines stand
 * alone and are not paired.
 */
public final class History {
    private final List<Op> ops;
    private final int[] lines;
    private final List<Call> calls;

    private History(List<Op> ops, int[] lines) {
        this.ops = List.copyOf(ops);
        this.lines = lines;
        this.calls = Collections.unmodifiableList(pair(this.ops, lines));
    }

    /** Validates and pairs; errors name position+1 as the line. */
    public static History of(List<Op> ops) {
        int[] lines = new int[ops.size()];
        for (int i = 0; i < lines.length; i++) lines[i] = i + 1;
        return new History(ops, lines);
    }

    /** As {@link #of(List)}, with the file line of each op for error messages. */
    static History of(List<Op> ops, int[] lines) {
        return new History(ops, lines.clone());
    }

    public List<Op> ops() {
        return ops;
    }

    /** Every client call in invocation order, including failed and unknown ones. */
    public List<Call> calls() {
        return calls;
    }

    public int size() {
        return ops.size();
    }

    /** File line (1-based) of the op at a position, for error messages. */
    public int lineOf(int position) {
        return lines[position];
    }

    /** Calls grouped by key in first-seen order; a null key is its own group. */
    public Map<String, List<Call>> callsByKey() {
        Map<String, List<Call>> byKey = new LinkedHashMap<>();
        for (Call c : calls) byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
        return byKey;
    }

    public List<Op> nemesisOps() {
        return ops.stream().filter(Op::isNemesis).toList();
    }

    private static List<Call> pair(List<Op> ops, int[] lines) {
        List<Call> calls = new ArrayList<>();
        Map<String, Integer> pending = new HashMap<>();
        Map<String, Integer> callIdOfPending = new HashMap<>();
        Set<String> crashed = new HashSet<>();
        long lastIndex = Long.MIN_VALUE;
        for (int pos = 0; pos < ops.size(); pos++) {
            Op op = ops.get(pos);
            if (op.index() <= lastIndex) {
                throw new HistoryFormatException(lines[pos], "index",
                        "indices must strictly increase, got " + op.index() + " after " + lastIndex);
            }
            lastIndex = op.index();
            if (op.isNemesis()) continue;
            String p = op.process();
            Integer open = pending.get(p);
            if (op.type() == OpType.INVOKE) {
                if (open != null) {
                    throw new HistoryFormatException(lines[pos], "type", "process " + p
                            + " invoked again before its call at line " + lines[open] + " completed");
                }
                if (crashed.contains(p)) {
                    throw new HistoryFormatException(lines[pos], "process", "process " + p
                            + " invoked after an info completion; a crashed client must use a new process id");
                }
                pending.put(p, pos);
                int id = calls.size();
                callIdOfPending.put(p, id);
                Call c = new Call(id, op, null, pos, -1);
                calls.add(c);
                continue;
            }
            if (open == null) {
                throw new HistoryFormatException(lines[pos], "type",
                        op.type().json() + " completion without a pending invoke of process " + p);
            }
            Op inv = ops.get(open);
            if (!inv.f().equals(op.f())) {
                throw new HistoryFormatException(lines[pos], "f",
                        "completion f \"" + op.f() + "\" does not match the invoke's \"" + inv.f() + "\" at line " + lines[open]);
            }
            if (op.key() != null && !op.key().equals(inv.key())) {
                throw new HistoryFormatException(lines[pos], "key",
                        "completion key \"" + op.key() + "\" does not match the invoke's \"" + inv.key() + "\" at line " + lines[open]);
            }
            int id = callIdOfPending.remove(p);
            pending.remove(p);
            calls.set(id, new Call(id, inv, op, open, pos));
            if (op.type() == OpType.INFO) crashed.add(p);
        }
        return calls;
    }
}
