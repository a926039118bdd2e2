package dsys.core.multicast;

import dsys.core.message.Message;

/** What the reliable multicast schemes send (origins are node ids as strings, so the records stay plain JSON). */
public final class MulticastMessages {

    private MulticastMessages() {
    }

    /**
     * Message {@code seq} of {@code origin}; {@code repair} marks a retransmission (counted apart). {@code acks}: an
     * acknowledgement riding along (positive acknowledgements, piggybacked): the sender has every message of the
     * receiver up to this number; 0 carries none.
     */
    public record Data(String origin, long seq, String payload, boolean repair, long acks) implements Message {
        public Data(String origin, long seq, String payload, boolean repair) {
            this(origin, seq, payload, repair, 0);
        }

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
