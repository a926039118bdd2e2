package dsys.core.multicast;

import dsys.core.message.Message;

/** What the reliable multicast schemes send (origins are node ids as strings, so the records stay plain JSON). */
public final class MulticastMessages {

    private MulticastMessages() {
    }

    /** Message {@code seq} of {@code origin}; {@code repair} marks a retransmission (counted apart). */
    public record Data(String origin, long seq, String payload, boolean repair) implements Message {
        @Override
        public String type() {
            return repair ? "Retransmission" : "Data";
        }
    }

    /**
     * Positive acknowledgement: the receiver has every message of {@code origin} up to {@code upTo}. {@code gap}: it
     * saw a later one, so {@code upTo + 1} was lost ("tell which one is missing"), retransmit now.
     */
    public record Ack(String origin, long upTo, boolean gap) implements Message {
    }

    /** Negative acknowledgement: the sender misses message {@code seq} of {@code origin}; retransmit it. */
    public record Nack(String origin, long seq) implements Message {
    }

    /** The origin's newest sequence number, so a receiver can tell that the last messages were lost. */
    public record Session(String origin, long highest) implements Message {
    }
}
