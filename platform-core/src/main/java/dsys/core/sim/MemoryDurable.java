package dsys.core.sim;

import dsys.core.env.Durable;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Durable storage kept in memory: it survives simulated crashes because the simulator keeps it, not the core. A lazy
 * put ({@link #putLazily}) is on disk only once a forced put or remove follows it, as in the live log; until then a
 * crash ({@link #loseLazy}) takes it back. So the simulations also run the crashes that lose it.
 */
public final class MemoryDurable implements Durable {

    private final TreeMap<String, String> data = new TreeMap<>();
    /** What each lazily written key held before its first lazy put since the last forced write (null: absent). */
    private final Map<String, String> beforeLazy = new java.util.HashMap<>();

    @Override
    public void put(String key, String value) {
        data.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        beforeLazy.clear(); // a forced write covers every write before it
    }

    @Override
    public void putLazily(String key, String value) {
        String old = data.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        if (!beforeLazy.containsKey(key)) beforeLazy.put(key, old);
    }

    @Override
    public void forceLazy() {
        beforeLazy.clear();
    }

    /** A crash: the lazy puts no forced write followed are lost. */
    public void loseLazy() {
        beforeLazy.forEach((k, v) -> {
            if (v == null) data.remove(k);
            else data.put(k, v);
        });
        beforeLazy.clear();
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    @Override
    public void remove(String key) {
        if (data.remove(key) != null) beforeLazy.clear(); // as live: removing nothing writes nothing
    }

    @Override
    public SortedMap<String, String> scan(String prefix) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, String> e : data.tailMap(prefix, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) break;
            out.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableSortedMap(out);
    }

    public int size() {
        return data.size();
    }

    @Override
    public String toString() {
        return data.toString();
    }
}
