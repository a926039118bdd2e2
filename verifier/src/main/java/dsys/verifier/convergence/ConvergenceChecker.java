package dsys.verifier.convergence;

import dsys.verifier.CheckResult;
import dsys.verifier.Violations;
import dsys.verifier.history.Call;
import dsys.verifier.history.History;
import dsys.verifier.history.Values;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Eventual consistency, checked on the replicas' states read after the faults were healed
 * and the system was quiet:
 * <ul>
 * <li>convergence: every replica holds the same value for every key;</li>
 * <li>no acknowledged write lost: registers (f = write, delete) hold the value of a write
 * that is not certainly older than an acknowledged write of the key; sets (f = add, the
 * replica's value a collection) contain every acknowledged element;</li>
 * <li>no value from thin air: every value held was written (ok, unknown or pending; a failed
 * write certainly had no effect);</li>
 * <li>no deleted key resurrected: a register holds no value whose every write returned before an
 * acknowledged delete of the key began (a write overlapping the delete may win by last-writer-wins).</li>
 * </ul>
 * A key absent from a replica's map reads as null. Calls without a key are ignored.
 */
public final class ConvergenceChecker {
    private ConvergenceChecker() {
    }

    /** @param replicas replica name → key → value, read after heal and quiet */
    public static CheckResult check(History history, Map<String, Map<String, Object>> replicas) {
        Violations v = new Violations();
        Set<String> keys = new LinkedHashSet<>();
        replicas.values().forEach(m -> keys.addAll(m.keySet()));
        history.calls().forEach(c -> {
            if (c.key() != null) keys.add(c.key());
        });
        Map<String, List<Call>> byKey = history.callsByKey();
        for (String key : keys) {
            String first = null;
            Object firstValue = null;
            for (Map.Entry<String, Map<String, Object>> r : replicas.entrySet()) {
                Object value = Values.normalize(r.getValue().get(key));
                if (first == null) {
                    first = r.getKey();
                    firstValue = value;
                } else if (!Objects.equals(value, firstValue)) {
                    v.add("key " + key + ": " + first + " holds " + firstValue + " but " + r.getKey() + " holds " + value);
                }
            }
            List<Call> calls = byKey.getOrDefault(key, List.of());
            boolean set = calls.stream().anyMatch(c -> c.f().equals("add"));
            for (Map.Entry<String, Map<String, Object>> r : replicas.entrySet()) {
                Object value = Values.normalize(r.getValue().get(key));
                if (set) checkSet(key, r.getKey(), value, calls, v);
                else checkRegister(key, r.getKey(), value, calls, v);
            }
        }
        return v.result();
    }

    private static void checkRegister(String key, String replica, Object value, List<Call> calls, Violations v) {
        List<Call> sources = new ArrayList<>();
        for (Call c : calls) {
            if (c.isFail()) continue;
            if (c.f().equals("write") && Objects.equals(c.input(), value) || c.f().equals("delete") && value == null) sources.add(c);
        }
        if (sources.isEmpty()) {
            if (value != null) v.add("key " + key + ": " + replica + " holds " + value + ", which was never written");
            else if (calls.stream().anyMatch(c -> c.isOk() && c.f().equals("write"))) {
                v.add("key " + key + ": " + replica + " holds nothing though writes were acknowledged");
            }
            return;
        }
        List<Call> superseding = calls.stream()
                .filter(a -> a.isOk() && (a.f().equals("write") || a.f().equals("delete")))
                .filter(a -> sources.stream().allMatch(s -> s.precedes(a))).toList();
        if (superseding.isEmpty()) return;
        // A value held although a delete was acknowledged after every write of it returned: the death
        // certificate lost to an older write (or was dropped too early), so the key came back.
        Call delete = value == null ? null : superseding.stream().filter(a -> a.f().equals("delete")).findFirst().orElse(null);
        if (delete != null) {
            v.add("key " + key + ": " + replica + " holds " + value + " from " + sources.get(sources.size() - 1)
                    + ", resurrected: the acknowledged " + delete + " began after that write returned");
        } else {
            v.add("key " + key + ": " + replica + " holds " + value + ", written before the acknowledged "
                    + superseding.get(0) + ": that write was lost");
        }
    }

    private static void checkSet(String key, String replica, Object value, List<Call> calls, Violations v) {
        Collection<?> held = value instanceof Collection<?> c ? c : value == null ? List.of() : List.of(value);
        for (Call c : calls) {
            if (c.f().equals("add") && c.isOk() && !held.contains(c.input())) {
                v.add("key " + key + ": " + replica + " lost acknowledged " + c);
            }
        }
        for (Object e : held) {
            boolean added = calls.stream().anyMatch(c -> c.f().equals("add") && !c.isFail() && Objects.equals(c.input(), e));
            if (!added) v.add("key " + key + ": " + replica + " holds " + e + ", which was never added");
        }
    }
}
