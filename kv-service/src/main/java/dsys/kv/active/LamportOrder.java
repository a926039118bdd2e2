package dsys.kv.active;

import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.multicast.LamportTotalOrder;
import dsys.core.multicast.MulticastTiming;
import dsys.core.node.NodeId;
import dsys.kv.quorum.QuorumStats;

import java.util.List;

/**
 * The {@code lamport} sequencer: writes ordered by Lamport's totally ordered multicast ({@link LamportTotalOrder}),
 * stamped with their Lamport time and origin. Its queue and acknowledgements are on the replica's disk.
 */
final class LamportOrder implements WriteOrder {

    private final LamportTotalOrder order;

    LamportOrder(Env env, List<NodeId> replicas, MulticastTiming timing, String prefix, Sink sink) {
        this.order = new LamportTotalOrder(env, replicas, timing, prefix,
                d -> sink.apply(WriteOp.decode(d.payload()), d.seq(), d.origin().value()));
    }

    @Override
    public void start() {
        order.start();
    }

    @Override
    public void submit(WriteOp w) {
        order.multicast(w.encode()); // may deliver at once (a replica alone)
    }

    @Override
    public boolean onMessage(NodeId from, Message m) {
        return order.onMessage(from, m);
    }

    @Override
    public boolean onTimer(Object timer) {
        return order.onTimer(timer);
    }

    @Override
    public void gauges(QuorumStats stats) {
        stats.set("multicast.queued", order.queued());
    }
}
