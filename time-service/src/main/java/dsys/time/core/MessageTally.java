package dsys.time.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Algorithm messages this node sent, by round and type; the coordinator sums the tallies of every node. */
public final class MessageTally {

    private static final int ROUNDS_KEPT = 32;

    private final LinkedHashMap<String, TreeMap<String, Long>> byRound = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TreeMap<String, Long>> eldest) {
            return size() > ROUNDS_KEPT;
        }
    };

    public void count(String round, String type) {
        byRound.computeIfAbsent(round, r -> new TreeMap<>()).merge(type, 1L, Long::sum);
    }

    public Map<String, Long> of(String round) {
        return Map.copyOf(byRound.getOrDefault(round, new TreeMap<>()));
    }
}
