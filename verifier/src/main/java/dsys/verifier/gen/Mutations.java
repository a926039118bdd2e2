package dsys.verifier.gen;

import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Op;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
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
        Map<String, KeyWrites> writesByKey = new HashMap<>();
        for (Call w : h.calls()) {
            if (w.isOk() && written(w) != null) writesByKey.computeIfAbsent(w.key(), k -> new KeyWrites()).writes.add(w);
        }
        writesByKey.values().forEach(KeyWrites::index);
        List<Call> reads = new ArrayList<>();
        List<Integer> overwritten = new ArrayList<>();
        for (Call r : h.calls()) {
            if (!r.isOk() || !r.f().equals("read") || !writesByKey.containsKey(r.key())) continue;
            int older = writesByKey.get(r.key()).overwrittenBefore(r);
            if (older >= 0 && !staleValues(writesByKey.get(r.key()), older, r, true).isEmpty()) {
                reads.add(r);
                overwritten.add(older);
            }
        }
        if (reads.isEmpty()) return Optional.empty();
        int i = rnd.nextInt(reads.size());
        List<Object> candidates = staleValues(writesByKey.get(reads.get(i).key()), overwritten.get(i), reads.get(i), false);
        return Optional.of(withReadValue(h, reads.get(i), candidates.get(rnd.nextInt(candidates.size()))));
    }

    /** The ok writes of one key by return position, and the latest invocation among each prefix. */
    private static final class KeyWrites {
        final List<Call> writes = new ArrayList<>();
        int[] returns;
        int[] latestInvoke;

        void index() {
            writes.sort(Comparator.comparingInt(Call::returnPos));
            returns = writes.stream().mapToInt(Call::returnPos).toArray();
            latestInvoke = new int[writes.size()];
            for (int j = 0; j < writes.size(); j++) {
                latestInvoke[j] = Math.max(j == 0 ? -1 : latestInvoke[j - 1], writes.get(j).invokePos());
            }
        }

        /**
         * How many writes (a prefix of {@link #writes}) were certainly overwritten before
         * {@code r} began; -1 when no write had even finished (then null is not stale either).
         */
        int overwrittenBefore(Call r) {
            int before = returnedBefore(r.invokePos());
            // The latest invocation of an ok write that finished before r began: anything that
            // finished before it was certainly overwritten before r.
            return before == 0 ? -1 : returnedBefore(latestInvoke[before - 1]);
        }

        private int returnedBefore(int pos) {
            int at = Arrays.binarySearch(returns, pos);
            return at >= 0 ? at : -at - 1;   // return positions are distinct lines
        }
    }

    /** Values r could not have read: null (if it read a value), those of the first {@code older} writes. */
    private static List<Object> staleValues(KeyWrites k, int older, Call r, boolean firstOnly) {
        List<Object> values = new ArrayList<>();
        if (r.output() != null) values.add(null);
        for (int j = 0; j < older && !(firstOnly && !values.isEmpty()); j++) {
            Object v = written(k.writes.get(j));
            if (!Objects.equals(v, r.output())) values.add(v);
        }
        return values;
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
