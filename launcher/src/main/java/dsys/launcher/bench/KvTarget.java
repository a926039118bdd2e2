package dsys.launcher.bench;

import java.util.Map;

/** A key-value store the benchmark drives: one implementation per system, the same client loop for both. */
interface KvTarget {

    void put(int client, String key, byte[] value) throws Exception;

    /** A linearizable read of a key that exists (a missing key is an error: the cell preloaded it). */
    void get(int client, String key) throws Exception;

    /**
     * The cheapest read the system offers, answered by the one member asked from its own state with no messages
     * to the others (dsys {@code ?read=one}, etcd a serializable range): what a request costs to get through the
     * system at all, the floor under any replicated read.
     */
    void getOne(int client, String key) throws Exception;

    /**
     * The cheapest durable put the system offers: dsys writes to a keyspace whose one replica is the node the client
     * calls (a local write, group-committed, no message to anyone); etcd has no put cheaper than its replicated one.
     * What a write costs to get through the system at all, the floor under any replicated put.
     */
    default void putOne(int client, String key, byte[] value) throws Exception {
        put(client, key, value);
    }

    /** Sets up what {@link #putOne} needs (dsys: the one-replica keyspaces, with the admin token); once per run. */
    default void preparePutOne(String token) throws Exception {
    }

    /**
     * The system's own cumulative counters, summed over its members ({@code messages}, {@code fsyncs},
     * {@code storage-writes}: whichever it exposes); the command takes their deltas over a cell.
     */
    Map<String, Double> counters() throws Exception;

    /**
     * Deletes every key of this benchmark run ({@code prefix}) the system still holds, reporting progress on
     * {@code out}; the number deleted. A system whose data goes away with the run (etcd's temporary directory)
     * has nothing to do.
     */
    default long removeRun(String prefix, java.io.PrintStream out) throws Exception {
        return 0;
    }
}
