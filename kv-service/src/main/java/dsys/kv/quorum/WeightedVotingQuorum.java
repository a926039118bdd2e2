package dsys.kv.quorum;

import dsys.core.node.NodeId;

import java.util.Collection;

/**
 * Counts votes the way the notes do: each replica contributes its V_i once, however many of its answers arrive
 * (the network duplicates), and nodes that hold no replica contribute nothing.
 */
public final class WeightedVotingQuorum {

    private final KeyspaceConfig config;

    public WeightedVotingQuorum(KeyspaceConfig config) {
        this.config = config;
    }

    /** The votes of the distinct replicas among {@code nodes}. */
    public int votes(Collection<NodeId> nodes) {
        return nodes.stream().distinct().mapToInt(config::votesOf).sum();
    }

    public boolean isReadQuorum(Collection<NodeId> nodes) {
        return votes(nodes) >= config.readQuorum();
    }

    public boolean isWriteQuorum(Collection<NodeId> nodes) {
        return votes(nodes) >= config.writeQuorum();
    }

    /** Whether the replicas outside {@code refused} still hold {@code needed} votes between them. */
    public boolean stillPossible(Collection<NodeId> refused, int needed) {
        return config.totalVotes() - votes(refused) >= needed;
    }

    public KeyspaceConfig config() {
        return config;
    }
}
