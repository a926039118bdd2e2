package dsys.verifier.gen;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Op;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;

/** Corruptions of register histories, to test that checkers catch what they should. */
public final class Mutations {
    private Mutations() {
    }

    /**
     * Makes one ok read return a certainly stale value: one written by an ok write (or cas)
     * that was followed by another ok write to the key, both before the read began (or null
     * once any write to the key finished). With unique written values no linearization can
     * explain it, so the result is never linearizable. Empty when no read qualifies.
     */
    public static Optional<History> staleRead(History h, SplittableRandom rnd) {
        List<Call> reads = new ArrayList<>();
        List<Object> stale = new ArrayList<>();
        Map<String, List<Call>> writesByKey = new HashMap<>();
        for (Call w : h.calls()) if (w.isOk() && written(w) != null) writesByKey.computeIfAbsent(w.key(), k -> new ArrayList<>()).add(w);
        for (Call r : h.calls()) {
            if (!r.isOk() || !r.f().equals("read")) continue;
            List<Call> writes = writesByKey.getOrDefault(r.key(), List.of());
            // Latest invocation of an ok write that finished before r began: anything that
            // finished before it was certainly overwritten before r.
            int latest = -1;
            for (Call w : writes) if (w.precedes(r)) latest = Math.max(latest, w.invokePos());
            if (latest < 0) continue;
            List<Object> candidates = new ArrayList<>();
            if (r.output() != null) candidates.add(null);
            for (Call older : writes) {
                if (older.returnPos() < latest && !Objects.equals(written(older), r.output())) candidates.add(written(older));
            }
            if (!candidates.isEmpty()) {
                reads.add(r);
                stale.add(candidates.get(rnd.nextInt(candidates.size())));
            }
        }
        if (reads.isEmpty()) return Optional.empty();
        int i = rnd.nextInt(reads.size());
        return Optional.of(withReadValue(h, reads.get(i), stale.get(i)));
    }

    /** One ok read returns a random value written to its key, or null: may or may not be linearizable. */
    public static Optional<History> randomRead(History h, SplittableRandom rnd) {
        List<Call> reads = h.calls().stream().filter(c -> c.isOk() && c.f().equals("read")).toList();
        if (reads.isEmpty()) return Optional.empty();
        Call r = reads.get(rnd.nextInt(reads.size()));
        List<Object> values = new ArrayList<>();
        values.add(null);
        for (Call w : h.calls()) if (r.key() != null && r.key().equals(w.key()) && written(w) != null) values.add(written(w));
        return Optional.of(withReadValue(h, r, values.get(rnd.nextInt(values.size()))));
    }

    public static History withReadValue(History h, Call read, Object value) {
        List<Op> ops = new ArrayList<>(h.ops());
        ops.set(read.completionPos(), read.completion().withValue(value));
        return History.of(ops);
    }

    /** The value a write or cas puts in the register, else null. */
    private static Object written(Call c) {
        if (c.f().equals("write")) return c.input();
        if (c.f().equals("cas") && c.input() instanceof List<?> l && l.size() == 2) return l.get(1);
        return null;
    }
}
