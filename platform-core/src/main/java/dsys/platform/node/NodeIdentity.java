package dsys.platform.node;

import dsys.core.node.Membership;
import dsys.core.node.NodeId;

/** Who this instance is: its node id, the members of its group and its service (Eureka) name. */
public record NodeIdentity(NodeId self, Membership members, String service) {

    public static NodeIdentity from(DsysProperties props, String applicationName) {
        String node = props.getNode() != null && !props.getNode().isBlank() ? props.getNode() : applicationName + "-1";
        NodeId self = NodeId.of(node);
        var ids = props.getMembers().stream().filter(s -> !s.isBlank()).map(NodeId::of).toList();
        Membership members = ids.isEmpty() ? Membership.of(java.util.List.of(self)) : Membership.of(ids);
        if (!members.contains(self)) {
            throw new IllegalStateException("dsys.node=" + self + " is not among dsys.members=" + members.nodes());
        }
        return new NodeIdentity(self, members, applicationName);
    }
}
