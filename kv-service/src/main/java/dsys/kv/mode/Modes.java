package dsys.kv.mode;

import dsys.kv.quorum.QuorumStore;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The replication modes a keyspace can have (notes §4.3 consistency protocols), each with the keyspace that is
 * ready at start ({@code builtIn}, over every member; null: none) and its core. Every node runs a core for every
 * keyspace, so adding a mode here is all it takes for the REST API to serve it.
 */
public final class Modes {

    /**
     * {@code model}: the consistency the mode claims, as the verifier names it. {@code option}: the name under which
     * a keyspace chooses one of {@code variants} (the first is the default; null and empty when the mode has none).
     */
    public record Mode(String name, String builtIn, String model, KvCore.Factory factory, String option,
                       List<String> variants) {

        Mode(String name, String builtIn, String model, KvCore.Factory factory) {
            this(name, builtIn, model, factory, null, List.of());
        }

        /** The variant a keyspace of this mode without one runs (null: the mode has no variants). */
        public String defaultVariant() {
            return variants.isEmpty() ? null : variants.get(0);
        }
    }

    private static final Map<String, Mode> MODES = new LinkedHashMap<>();

    static {
        add(new Mode("quorum", "default", "linearizable", QuorumStore::new));
        add(new Mode("primary-backup", "pb", "linearizable", dsys.kv.chain.ChainStore::primaryBackup, "writeMode",
                List.of("remote", "local")));
        add(new Mode("chain", "chain", "linearizable", dsys.kv.chain.ChainStore::new));
        add(new Mode("eventual", "eventual", "eventual", dsys.kv.eventual.EventualStore::new));
        add(new Mode("active", "active", "sequential", dsys.kv.active.ActiveStore::new, "sequencer",
                List.of("lamport", dsys.kv.active.ActiveStore.KAFKA)));
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
