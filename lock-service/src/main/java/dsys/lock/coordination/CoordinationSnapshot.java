package dsys.lock.coordination;

import java.util.Map;

/** Immutable counters of a coordination core, published after every step for the metrics adapter. */
public record CoordinationSnapshot(Map<String, PerAlgorithm> byAlgorithm) {

    /** {@code leaderIndex} −1 when no leader is known; {@code elections}: leaderships this node declared. */
    public record PerAlgorithm(int leaderIndex, long epoch, long elections, Map<String, Long> messagesSent) {
    }
}
