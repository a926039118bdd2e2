package dsys.lock.election;

import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.List;

/** The ring election's messages (notes §7.2). {@code hop} names one transmission, which the receiver acks. */
public final class RingMessages {

    private RingMessages() {
    }

    /** Goes round the ring collecting the live nodes; {@code id} names the election, whoever forwards it. */
    public record Election(String round, long id, long hop, NodeId initiator, List<NodeId> candidates, long maxEpoch)
            implements Message {
        public Election {
            candidates = List.copyOf(candidates);
        }

        Election withHop(long h) {
            return new Election(round, id, h, initiator, candidates, maxEpoch);
        }

        Election adding(NodeId n, long epoch) {
            List<NodeId> c = new ArrayList<>(candidates);
            c.add(n);
            return new Election(round, id, hop, initiator, c, Math.max(maxEpoch, epoch));
        }

        @Override
        public String type() {
            return "ring.election";
        }
    }

    /** Goes round once more, telling everyone who won; {@code origin} is the node that decided. */
    public record Coordinator(String round, long id, long hop, NodeId origin, NodeId leader, long epoch) implements Message {
        Coordinator withHop(long h) {
            return new Coordinator(round, id, h, origin, leader, epoch);
        }

        @Override
        public String type() {
            return "ring.coordinator";
        }
    }

    /** "Got it" for one hop; a missing ack makes the sender retry, then skip the successor as down. */
    public record Ack(String round, long hop) implements Message {
        @Override
        public String type() {
            return "ring.ack";
        }
    }
}
