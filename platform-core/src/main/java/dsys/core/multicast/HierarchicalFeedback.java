package dsys.core.multicast;

import dsys.core.env.Env;
import dsys.core.node.NodeId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Hierarchical feedback control (the notes' §7.3): the group is split into {@link Subgroups}; the origin sends to
 * the local coordinators (and its own subgroup), each coordinator forwards to its subgroup, keeps what it forwarded
 * in its history buffer and answers its subgroup's retransmission requests; a coordinator that misses a message asks
 * its own parent, the origin. Requests are negative acknowledgements to the parent alone, so the origin hears only
 * from the coordinators.
 */
public final class HierarchicalFeedback extends NegativeAckMulticast {

    private final Subgroups subgroups;
    private final Map<NodeId, List<NodeId>> children = new HashMap<>();

    public HierarchicalFeedback(Env env, List<NodeId> group, Subgroups subgroups, MulticastTiming timing,
                                String prefix, Consumer<Delivery> deliver) {
        super(env, group, timing, prefix, deliver);
        this.subgroups = subgroups;
    }

    @Override
    protected List<NodeId> dataTargets(NodeId origin) {
        return children.computeIfAbsent(origin, o -> subgroups.children(env.self(), o));
    }

    @Override
    protected NodeId parent(NodeId origin) {
        return subgroups.parent(env.self(), origin);
    }

    @Override
    protected boolean suppression() {
        return false;
    }
}
