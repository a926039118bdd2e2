package dsys.core.epidemic;

import dsys.core.node.NodeId;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/** The replicas an epidemic runs among, and the uniform choice of a partner that every round makes. */
final class Peers {

    private final List<NodeId> all;
    private final List<NodeId> others;
    private final Set<NodeId> members; // looked up per message: a list's contains would scan a thousand nodes

    Peers(NodeId self, List<NodeId> replicas) {
        this.all = List.copyOf(replicas);
        this.others = all.stream().filter(n -> !n.equals(self)).toList();
        this.members = new HashSet<>(all);
    }

    boolean contains(NodeId n) {
        return members.contains(n);
    }

    List<NodeId> all() {
        return all;
    }

    /** A peer other than self, uniformly at random; null when there is none. */
    NodeId random(RandomGenerator r) {
        return others.isEmpty() ? null : others.get(r.nextInt(others.size()));
    }
}
