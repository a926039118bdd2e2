package dsys.lock.election;

import dsys.core.message.Message;
import dsys.core.node.NodeId;

/**
 * "{@code leader} leads in {@code epoch}": sent periodically by a leader (failure detection), and sent back to a
 * node that announced an older epoch so that it catches up. {@code algorithm} tells embedded elections apart.
 */
public record Heartbeat(String algorithm, NodeId leader, long epoch) implements Message {
    @Override
    public String type() {
        return "election.heartbeat";
    }
}
