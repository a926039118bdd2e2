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

    Optional<String> get(String key);

    void remove(String key);

    /** Every entry whose key starts with {@code prefix}, in key order. */
    SortedMap<String, String> scan(String prefix);
}
