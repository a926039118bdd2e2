package dsys.core.multicast;

import dsys.core.env.Env;
import dsys.core.node.NodeId;

import java.util.List;
import java.util.function.Consumer;

/**
 * Non-hierarchical feedback control (the notes' §7.2, Scalable Reliable Multicasting): receivers report only what
 * they miss. With {@code suppression}, a receiver multicasts its request to the whole group after a random back-off,
 * and another receiver that hears a request for the same message first drops its own; the origin multicasts the
 * repair, so everyone who missed it gets it. Without, each receiver asks the origin alone and gets its own repair.
 */
public final class NonHierarchicalFeedback extends NegativeAckMulticast {

    private final boolean suppression;

    public NonHierarchicalFeedback(Env env, List<NodeId> group, MulticastTiming timing, boolean suppression,
                                   String prefix, Consumer<Delivery> deliver) {
        super(env, group, timing, prefix, deliver);
        this.suppression = suppression;
    }

    @Override
    protected List<NodeId> dataTargets(NodeId origin) {
        return origin.equals(env.self()) ? group.stream().filter(n -> !n.equals(origin)).toList() : List.of();
    }

    @Override
    protected NodeId parent(NodeId origin) {
        return origin;
    }

    @Override
    protected boolean suppression() {
        return suppression;
    }
}
