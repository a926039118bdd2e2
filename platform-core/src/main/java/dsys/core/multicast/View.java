package dsys.core.multicast;

import dsys.core.node.NodeId;

import java.util.List;

/** A view (视图): the group membership a set of messages is delivered in; its first member orders its messages. */
public record View(ViewId id, List<String> members) {

    public View {
        members = members.stream().sorted((a, b) -> NodeId.of(a).compareTo(NodeId.of(b))).toList();
    }

    public boolean contains(NodeId n) {
        return members.contains(n.value());
    }

    /** The view's coordinator: the sequencer of its messages (the lowest member). */
    public NodeId coordinator() {
        return NodeId.of(members.get(0));
    }

    public List<NodeId> nodes() {
        return members.stream().map(NodeId::of).toList();
    }
}
