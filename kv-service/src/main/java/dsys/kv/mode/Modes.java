package dsys.kv.mode;

import dsys.kv.quorum.QuorumStore;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The replication modes a keyspace can have (notes §4.3 consistency protocols), each with the keyspace that is
 * ready at start ({@code builtIn}, over every member; null: none) and its core. Every node runs a core for every
 * keyspace, so adding a mode here is all it takes for the REST API to serve it.
 */
public final class Modes {

    /** {@code model}: the consistency the mode claims, as the verifier names it. */
    public record Mode(String name, String builtIn, String model, KvCore.Factory factory) {
    }

    private static final Map<String, Mode> MODES = new LinkedHashMap<>();

    static {
        add(new Mode("quorum", "default", "linearizable", QuorumStore::new));
        add(new Mode("chain", "chain", "linearizable", dsys.kv.chain.ChainStore::new));
        add(new Mode("eventual", "eventual", "eventual", dsys.kv.eventual.EventualStore::new));
        add(new Mode("active", "active", "sequential", dsys.kv.active.ActiveStore::new));
    }

    private static void add(Mode m) {
        MODES.put(m.name(), m);
    }

    private Modes() {
    }

    /** The mode named {@code name}, or null when no such mode is built. */
    public static Mode of(String name) {
        return MODES.get(name);
    }

    public static Collection<Mode> all() {
        return MODES.values();
    }
}
