package dsys.core.epidemic;

import dsys.core.clock.LamportStamp;
import dsys.core.message.Message;

import java.util.List;
import java.util.Map;

/** What replicas send each other to spread updates. */
public final class EpidemicMessages {

    private EpidemicMessages() {
    }

    /** Rumor mongering: hot rumors pushed to a random peer. */
    public record Rumor(List<Update> updates) implements Message {
    }

    /** The peer's answer to a {@link Rumor}: the version it already held of each rumor that was no news to it. */
    public record RumorFeedback(Map<String, LamportStamp> known) implements Message {
    }

    /**
     * Anti-entropy opens: how the initiator wants to exchange, and its version of every item it holds with a key in
     * {@code [from, to)} ({@code to} null: to the last key). One round covers the keys that fit in a message; the
     * next round goes on from {@code to}, and after the last key starts again from the first.
     */
    public record Digest(long round, Exchange exchange, String from, String to, Map<String, LamportStamp> versions)
            implements Message {
    }

    /**
     * The peer's answer: its updates the initiator lacks (pull) and the keys it wants from the initiator (push).
     * {@code more}: it had more to send than fitted.
     */
    public record DigestReply(long round, List<Update> newer, List<String> wanted, boolean more) implements Message {
    }

    /** The initiator's updates the peer wanted (the push half). */
    public record Updates(long round, List<Update> updates) implements Message {
    }
}
