package dsys.time.cristian;

import dsys.core.node.NodeId;
import dsys.time.core.RoundMessage;

/** Tells a client to synchronize with {@code server}, taking {@code samples} round trips and keeping the best. */
public record CristianStart(String round, NodeId coordinator, NodeId server, int samples) implements RoundMessage {
    @Override
    public boolean control() {
        return true;
    }
}
