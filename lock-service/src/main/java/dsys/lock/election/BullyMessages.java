package dsys.lock.election;

import dsys.core.message.Message;
import dsys.core.node.NodeId;

/** The bully algorithm's three messages (notes §7.1: 选举消息, 接管 "OK", 胜利消息). */
public final class BullyMessages {

    private BullyMessages() {
    }

    /** "I am holding an election": sent to every higher id. {@code maxEpoch} spreads the highest epoch seen. */
    public record Election(String round, long maxEpoch) implements Message {
        @Override
        public String type() {
            return "bully.election";
        }
    }

    /** The take-over: "a higher process is alive, you are out". */
    public record Ok(String round, long maxEpoch) implements Message {
        @Override
        public String type() {
            return "bully.ok";
        }
    }

    /** The victory message: {@code leader} leads in {@code epoch}. */
    public record Coordinator(String round, NodeId leader, long epoch) implements Message {
        @Override
        public String type() {
            return "bully.coordinator";
        }
    }
}
