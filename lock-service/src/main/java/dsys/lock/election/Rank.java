package dsys.lock.election;

import dsys.core.node.NodeId;

import java.util.Collection;
import java.util.Comparator;

/** The election order: the bully id is {@link NodeId#index()}; the full id only breaks ties. */
final class Rank {

    static final Comparator<NodeId> ORDER = Comparator.comparingInt(NodeId::index).thenComparing(Comparator.naturalOrder());

    private Rank() {
    }

    static boolean outranks(NodeId a, NodeId b) {
        return ORDER.compare(a, b) > 0;
    }

    static NodeId highest(Collection<NodeId> nodes) {
        return nodes.stream().max(ORDER).orElseThrow();
    }
}
