package dsys.launcher.bench;

/** A lock service the benchmark drives: one implementation per system, the same client loop for both. */
interface LockTarget {

    /** Blocks until {@code name} is held by {@code client}; returns what release needs. */
    String acquire(int client, String name) throws Exception;

    void release(int client, String name, String hold) throws Exception;

    /** Frees whatever the clients set up (etcd leases); called once after a cell. */
    default void close() throws Exception {
    }
}
