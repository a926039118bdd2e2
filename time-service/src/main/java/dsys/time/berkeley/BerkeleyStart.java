package dsys.time.berkeley;

import dsys.core.node.NodeId;
import dsys.time.core.RoundMessage;

import java.util.List;

/** Tells the daemon to run one round over {@code members}, polling each {@code samples} times (best RTT kept). */
public record BerkeleyStart(String round, NodeId coordinator, List<NodeId> members, int samples) implements RoundMessage {
    @Override
    public boolean control() {
        return true;
    }
}
