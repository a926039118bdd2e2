package dsys.core.clock;

import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** An immutable vector timestamp: node id → count of that node's events seen. Missing entries are 0. */
public record VectorTime(Map<String, Long> entries) {

    public static final VectorTime ZERO = new VectorTime(Map.of());

    public VectorTime {
        TreeMap<String, Long> copy = new TreeMap<>();
        entries.forEach((k, v) -> {
            if (v < 0) throw new IllegalArgumentException("vector entry " + k + " is negative: " + v);
            if (v > 0) copy.put(k, v);
        });
        entries = Collections.unmodifiableMap(copy);
    }

    public long get(String node) {
        return entries.getOrDefault(node, 0L);
    }

    /** Pointwise maximum. */
    public VectorTime merge(VectorTime other) {
        TreeMap<String, Long> m = new TreeMap<>(entries);
        other.entries.forEach((k, v) -> m.merge(k, v, Math::max));
        return new VectorTime(m);
    }

    public VectorTime increment(String node) {
        TreeMap<String, Long> m = new TreeMap<>(entries);
        m.merge(node, 1L, Long::sum);
        return new VectorTime(m);
    }

    /** BEFORE when this ≤ other pointwise and differs somewhere; CONCURRENT when neither dominates. */
    public Causality compare(VectorTime other) {
        Set<String> keys = new HashSet<>(entries.keySet());
        keys.addAll(other.entries.keySet());
        boolean less = false, greater = false;
        for (String k : keys) {
            long a = get(k), b = other.get(k);
            if (a < b) less = true;
            if (a > b) greater = true;
        }
        if (less && greater) return Causality.CONCURRENT;
        if (less) return Causality.BEFORE;
        if (greater) return Causality.AFTER;
        return Causality.EQUAL;
    }

    public boolean happenedBefore(VectorTime other) {
        return compare(other) == Causality.BEFORE;
    }
}
