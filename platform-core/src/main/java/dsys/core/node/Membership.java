package dsys.core.node;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/** The nodes of one group (the configured universe, live or not), in NodeId order. */
public record Membership(List<NodeId> nodes) {

    public Membership {
        nodes = List.copyOf(new TreeSet<>(nodes));
    }

    public static Membership of(Collection<NodeId> nodes) {
        return new Membership(new ArrayList<>(nodes));
    }

    public static Membership of(String... ids) {
        return new Membership(java.util.Arrays.stream(ids).map(NodeId::of).toList());
    }

    /** Every member but {@code self}. */
    public List<NodeId> others(NodeId self) {
        return nodes.stream().filter(n -> !n.equals(self)).toList();
    }

    public boolean contains(NodeId n) {
        return nodes.contains(n);
    }

    public int size() {
        return nodes.size();
    }

    /** The member after {@code n} on the logical ring (wraps around). */
    public NodeId successor(NodeId n) {
        int i = nodes.indexOf(n);
        if (i < 0) throw new IllegalArgumentException(n + " is not a member of " + nodes);
        return nodes.get((i + 1) % nodes.size());
    }
}
