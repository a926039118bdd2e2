package dsys.verifier.linear;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Values;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The definition, executed: a history is linearizable if some order of its calls respects
 * real time and replays legally on the sequential object. Tries every such order (no
 * memoization, no cleverness), per key, with its own copy of each model's semantics so that
 * it shares no code with the checker. Exponential: for histories of a few calls per key.
 */
final class BruteForceOracle {
    private final String model;
    private List<Call> calls;
    private boolean[] placed;
    private int finite;

    BruteForceOracle(String model) {
        this.model = model;
    }

    boolean linearizable(History h) {
        for (List<Call> perKey : h.callsByKey().values()) {
            calls = new ArrayList<>();
            for (Call c : perKey) {
                if (c.isFail() || (c.isUnknown() && c.f().equals("read"))) continue;
                calls.add(c);
            }
            placed = new boolean[calls.size()];
            finite = (int) calls.stream().filter(c -> !c.isUnknown()).count();
            if (!search(0, init())) return false;
        }
        return true;
    }

    private boolean search(int placedFinite, Object state) {
        if (placedFinite == finite) return true;
        for (int i = 0; i < calls.size(); i++) {
            if (placed[i] || !minimal(i)) continue;
            Object next = step(state, calls.get(i));
            if (next == INVALID) continue;
            placed[i] = true;
            boolean found = search(placedFinite + (calls.get(i).isUnknown() ? 0 : 1), next);
            placed[i] = false;
            if (found) return true;
        }
        return false;
    }

    /** No unplaced call finished before this one began. */
    private boolean minimal(int i) {
        for (int j = 0; j < calls.size(); j++) {
            if (!placed[j] && calls.get(j).precedes(calls.get(i))) return false;
        }
        return true;
    }

    private static final Object INVALID = new Object();

    private Object init() {
        return model.equals("fenced-mutex") ? new long[]{0, Long.MIN_VALUE} : null;
    }

    private Object step(Object s, Call c) {
        return switch (model) {
            case "register", "cas-register" -> register(s, c);
            case "mutex" -> mutex(s, c);
            default -> fenced((long[]) s, c);
        };
    }

    private static Object register(Object s, Call c) {
        return switch (c.f()) {
            case "read" -> Objects.equals(s, c.output()) ? s : INVALID;
            case "write" -> c.input();
            default -> {
                List<?> l = (List<?>) c.input();
                yield Objects.equals(s, l.get(0)) ? l.get(1) : INVALID;
            }
        };
    }

    private static Object mutex(Object holder, Call c) {
        String owner = (String) c.input();
        if (c.f().equals("acquire")) return holder == null ? owner : INVALID;
        return owner.equals(holder) ? null : INVALID;
    }

    /** State {holder code, last token}; holder code 0 = free, else the owner's hash (tests use short names). */
    private static Object fenced(long[] s, Call c) {
        String owner = (String) c.input();
        long code = owner.hashCode() | 1L << 40;
        if (c.f().equals("release")) return s[0] == code ? new long[]{0, s[1]} : INVALID;
        if (s[0] != 0) return INVALID;
        if (c.isUnknown()) return new long[]{code, s[1] + 1};
        long token = (Long) Values.field(c.output(), "token");
        return token > s[1] ? new long[]{code, token} : INVALID;
    }

    static boolean check(String model, History h) {
        return new BruteForceOracle(model).linearizable(h);
    }

    static Map<String, Model> models() {
        return Map.of("register", RegisterModel.register(), "cas-register", RegisterModel.casRegister(),
                "mutex", MutexModel.mutex(), "fenced-mutex", MutexModel.fencedMutex());
    }
}
