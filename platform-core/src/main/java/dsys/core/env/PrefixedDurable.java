package dsys.core.env;

import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A core's share of its node's storage: every key lives under {@code prefix} in the node's store, so several cores
 * that use the same key names (one per configuration, say) never read each other's entries. Writes go to the node's
 * store, so they share its group commit and its output commit.
 */
public final class PrefixedDurable implements Durable {

    private final Durable node;
    private final String prefix;

    public PrefixedDurable(Durable node, String prefix) {
        if (prefix == null || prefix.isEmpty()) throw new IllegalArgumentException("a storage prefix must not be empty");
        this.node = node;
        this.prefix = prefix;
    }

    @Override
    public void put(String key, String value) {
        node.put(prefix + key, value);
    }

    @Override
    public void putLazily(String key, String value) {
        node.putLazily(prefix + key, value);
    }

    @Override
    public void forceLazy() {
        node.forceLazy();
    }

    @Override
    public Optional<String> get(String key) {
        return node.get(prefix + key);
    }

    @Override
    public void remove(String key) {
        node.remove(prefix + key);
    }

    @Override
    public SortedMap<String, String> scan(String keyPrefix) {
        SortedMap<String, String> out = new TreeMap<>();
        node.scan(prefix + keyPrefix).forEach((k, v) -> out.put(k.substring(prefix.length()), v));
        return out;
    }
}
