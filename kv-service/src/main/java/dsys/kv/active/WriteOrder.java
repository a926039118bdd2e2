package dsys.kv.active;

import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.quorum.QuorumStats;

/**
 * The one total order an active keyspace's writes go through, as {@link ActiveStore} uses it: Lamport's totally
 * ordered multicast ({@link LamportOrder}) or a log partition as the sequencer ({@link LogOrder}). A write goes in
 * with {@link #submit} and comes back, here as at every replica, through the {@link Sink} at its place.
 */
interface WriteOrder {

    /** After the replica has loaded its disk: from the core's onStart and onRecover. */
    void start();

    void submit(WriteOp w);

    /** A message of the order's own; false when it is not one. */
    boolean onMessage(NodeId from, Message m);

    /** A timer of the order's own; false when it is not one. */
    boolean onTimer(Object timer);

    /** An input from outside the cluster's messages (a log's deliveries); false when it is not one. */
    default boolean onInput(Object body) {
        return false;
    }

    /** Sets the order's gauges among the core's counters. */
    void gauges(QuorumStats stats);

    /** Where the order hands the writes to, in order. */
    interface Sink {

        /** {@code w} at its place, stamped (ts, origin): applied to the replica and answered if taken here; the reply. */
        Object apply(WriteOp w, long ts, String origin);

        /** {@code w} again, once applied with {@code outcome} ({@link ActiveReplica#outcome}): answered, nothing applied. */
        void again(WriteOp w, String origin, String outcome);

        /** {@code op} could not be put in the order; answered if taken here (504 when it may still be, else 503). */
        void refused(String op, boolean maybeOrdered, String reason);
    }
}
