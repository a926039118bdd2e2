package dsys.core.multicast;

import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.List;

/**
 * The group split into subgroups of consecutive members (in NodeId order), the first of each its local coordinator.
 * For messages of an origin: the origin serves its own subgroup and the other subgroups' coordinators; each of those
 * coordinators serves the rest of its subgroup. So every member has one parent per origin, whom it asks for repairs.
 */
public final class Subgroups {

    private final List<List<NodeId>> subgroups = new ArrayList<>();

    public Subgroups(List<NodeId> group, int size) {
        if (size < 1) throw new IllegalArgumentException("subgroup size must be ≥ 1, was " + size);
        List<NodeId> sorted = group.stream().sorted().toList();
        for (int i = 0; i < sorted.size(); i += size) subgroups.add(sorted.subList(i, Math.min(sorted.size(), i + size)));
    }

    /** About √n members each: as many subgroups as members per subgroup. */
    public static Subgroups balanced(List<NodeId> group) {
        return new Subgroups(group, Math.max(1, (int) Math.ceil(Math.sqrt(group.size()))));
    }

    public List<List<NodeId>> all() {
        return subgroups;
    }

    private List<NodeId> subgroupOf(NodeId n) {
        for (List<NodeId> g : subgroups) if (g.contains(n)) return g;
        throw new IllegalArgumentException(n + " is in no subgroup");
    }

    public NodeId coordinator(NodeId n) {
        return subgroupOf(n).get(0);
    }

    /** Whom {@code n} gets the messages of {@code origin} from (null for the origin itself). */
    public NodeId parent(NodeId n, NodeId origin) {
        if (n.equals(origin)) return null;
        if (subgroupOf(n).contains(origin) || coordinator(n).equals(n)) return origin;
        return coordinator(n);
    }

    /** Whom {@code n} forwards the messages of {@code origin} to. */
    public List<NodeId> children(NodeId n, NodeId origin) {
        List<NodeId> out = new ArrayList<>();
        for (List<NodeId> g : subgroups) {
            for (NodeId m : g) if (!m.equals(n) && n.equals(parent(m, origin))) out.add(m);
        }
        return out;
    }
}
