package dsys.platform.node;

import dsys.core.node.Membership;
import dsys.core.node.NodeId;

/**
 * Who this instance is: its node id, the members of its group, its service (Eureka) name, and the nodes of other
 * services it exchanges messages with ({@code dsys.links}: a transaction coordinator and its kv participants).
 */
public record NodeIdentity(NodeId self, Membership members, String service, java.util.Set<NodeId> links) {

    public NodeIdentity {
        links = java.util.Set.copyOf(links);
    }

    public NodeIdentity(NodeId self, Membership members, String service) {
        this(self, members, service, java.util.Set.of());
    }

    /** Whether {@code n} may send this node messages: a member of its group or a linked node, never itself. */
    public boolean peer(NodeId n) {
        return !n.equals(self) && (members.contains(n) || links.contains(n));
    }

    public static NodeIdentity from(DsysProperties props, String applicationName) {
        String node = props.getNode() != null && !props.getNode().isBlank() ? props.getNode() : applicationName + "-1";
        NodeId self = NodeId.of(node);
        var ids = props.getMembers().stream().filter(s -> !s.isBlank()).map(NodeId::of).toList();
        Membership members = ids.isEmpty() ? Membership.of(java.util.List.of(self)) : Membership.of(ids);
        if (!members.contains(self)) {
            throw new IllegalStateException("dsys.node=" + self + " is not among dsys.members=" + members.nodes());
        }
        var links = props.getLinks().stream().filter(s -> !s.isBlank()).map(NodeId::of).collect(java.util.stream.Collectors.toSet());
        return new NodeIdentity(self, members, applicationName, links);
    }
}
