package dsys.core.env;

/**
 * A node's Env with the core's storage keys under a prefix ({@link PrefixedDurable}). A node's storage is shared by
 * all its cores, so two cores that use the same key names (lock-service's lock core beside its coordination core's
 * own bully election; txn-1's RPC client per orphan remedy) each take a prefix of their own.
 */
public final class ScopedEnv extends ForwardingEnv {

    private final Durable storage;

    public ScopedEnv(Env env, String prefix) {
        super(env);
        this.storage = new PrefixedDurable(env.storage(), prefix);
    }

    @Override
    public Durable storage() {
        return storage;
    }
}
