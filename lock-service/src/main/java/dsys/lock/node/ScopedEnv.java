package dsys.lock.node;

import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.core.env.ForwardingEnv;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The node's Env with storage keys under a prefix. A node's storage is shared by all its cores, and the
 * coordination core next to this one runs its own bully election with the same key names as ours.
 */
final class ScopedEnv extends ForwardingEnv {

    private final Durable storage;

    ScopedEnv(Env env, String prefix) {
        super(env);
        Durable d = env.storage();
        this.storage = new Durable() {
            @Override
            public void put(String key, String value) {
                d.put(prefix + key, value);
            }

            @Override
            public java.util.Optional<String> get(String key) {
                return d.get(prefix + key);
            }

            @Override
            public void remove(String key) {
                d.remove(prefix + key);
            }

            @Override
            public SortedMap<String, String> scan(String p) {
                SortedMap<String, String> out = new TreeMap<>();
                d.scan(prefix + p).forEach((k, v) -> out.put(k.substring(prefix.length()), v));
                return out;
            }
        };
    }

    @Override
    public Durable storage() {
        return storage;
    }
}
