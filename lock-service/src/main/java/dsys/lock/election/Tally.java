package dsys.lock.election;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Messages this node sent, by type: per election round (every message of an election carries the round of the
 * election that caused it, so the requester can add up one election's cost over all nodes) and in total.
 */
final class Tally {

    private static final int ROUNDS_KEPT = 64;

    private final Map<String, Map<String, Long>> byRound = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Long>> eldest) {
            return size() > ROUNDS_KEPT;
        }
    };
    private final Map<String, Long> total = new TreeMap<>();

    void count(String round, String type) {
        total.merge(type, 1L, Long::sum);
        if (round != null) byRound.computeIfAbsent(round, r -> new TreeMap<>()).merge(type, 1L, Long::sum);
    }

    Map<String, Long> round(String round) {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(byRound.getOrDefault(round, Map.of())));
    }

    Map<String, Long> total() {
        return java.util.Collections.unmodifiableMap(new TreeMap<>(total));
    }
}
