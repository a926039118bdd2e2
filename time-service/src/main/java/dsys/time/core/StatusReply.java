package dsys.time.core;

import java.util.Map;

/** A node's clock and the algorithm messages it sent in {@code round}, by type. */
public record StatusReply(String gather, String round, NodeStatus status, Map<String, Long> sent)
        implements RoundMessage {
    @Override
    public boolean control() {
        return true;
    }
}
