package dsys.core.env;

import java.util.Optional;
import java.util.SortedMap;

/**
 * Storage that survives a crash of the node. A value put during a step is on disk before any reply or message
 * of that step leaves the node (the live host group-commits; the simulator keeps storage across crashes), so
 * whatever the node acknowledged survives. Values are strings; cores choose their own encoding.
 */
public interface Durable {

    void put(String key, String value);

    /**
     * A put that no output waits for: it reaches the disk with the node's next fsync, which any later {@link #put} or
     * {@link #remove} forces before its own step's outputs leave (the log is sequential). A crash before then loses
     * it, and only then. For a record whose loss the protocol tolerates, so that a message need not wait for an fsync.
     */
    default void putLazily(String key, String value) {
        put(key, value);
    }

    /** The lazy puts so far become forced ones: this step's outputs leave only once they are on disk. */
    default void forceLazy() {
    }

    Optional<String> get(String key);

    void remove(String key);

    /** Every entry whose key starts with {@code prefix}, in key order. */
    SortedMap<String, String> scan(String prefix);
}
