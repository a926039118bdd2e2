package dsys.time.core;

import java.util.Map;

/**
 * A node's clock, the algorithm messages it sent in {@code round} by type, and the round it coordinates now
 * ({@code coordinating}, null if none): a round starts only if no other node is running one.
 */
public record StatusReply(String gather, String round, NodeStatus status, Map<String, Long> sent, String coordinating)
        implements RoundMessage {
    @Override
    public boolean control() {
        return true;
    }
}
