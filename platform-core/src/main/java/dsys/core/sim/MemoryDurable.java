package dsys.core.sim;

import dsys.core.env.Durable;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/** Durable storage kept in memory: it survives simulated crashes because the simulator keeps it, not the core. */
public final class MemoryDurable implements Durable {

    private final TreeMap<String, String> data = new TreeMap<>();

    @Override
    public void put(String key, String value) {
        data.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    @Override
    public void remove(String key) {
        data.remove(key);
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
