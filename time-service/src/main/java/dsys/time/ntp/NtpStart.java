package dsys.time.ntp;

import dsys.core.node.NodeId;
import dsys.time.core.RoundMessage;

import java.util.List;

/**
 * Starts a node's part of an NTP round. {@code broadcaster} and {@code delayEstimateNanos} serve multicast mode;
 * {@code members} are the nodes taking part (symmetric pairs, multicast receivers).
 */
public record NtpStart(String round, NodeId coordinator, String mode, int samples, NodeId broadcaster,
                       long delayEstimateNanos, List<NodeId> members) implements RoundMessage {
    @Override
    public boolean control() {
        return true;
    }
}
