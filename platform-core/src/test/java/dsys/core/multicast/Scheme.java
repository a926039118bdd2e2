package dsys.core.multicast;

import dsys.core.env.Env;
import dsys.core.node.NodeId;

import java.util.List;
import java.util.function.Consumer;

/** The reliable multicast schemes under test, built the way a host core would build them. */
enum Scheme {
    ACK, ACK_PIGGYBACKED, NACK, NACK_SUPPRESSION, HIERARCHICAL;

    /** The schemes the feedback table compares (the piggybacked one only differs where members answer each other). */
    static final List<Scheme> COMPARED = List.of(ACK, NACK, NACK_SUPPRESSION, HIERARCHICAL);

    ReliableMulticast create(Env env, List<NodeId> group, MulticastTiming timing, Consumer<Delivery> deliver) {
        return switch (this) {
            case ACK -> new PositiveAckMulticast(env, group, timing, "mc.", deliver);
            case ACK_PIGGYBACKED -> PositiveAckMulticast.piggybacked(env, group, timing, "mc.", deliver);
            case NACK -> new NonHierarchicalFeedback(env, group, timing, false, "mc.", deliver);
            case NACK_SUPPRESSION -> new NonHierarchicalFeedback(env, group, timing, true, "mc.", deliver);
            case HIERARCHICAL -> new HierarchicalFeedback(env, group, Subgroups.balanced(group), timing, "mc.", deliver);
        };
    }
}
