package dsys.kv.active;

import dsys.core.message.Message;
import dsys.kv.quorum.AcceptorState;

/**
 * Between nodes of an active keyspace, besides the totally ordered multicast's own messages and the forwarded requests of
 * {@link dsys.kv.mode.Forwarding}: the per-replica look a {@code /replicas} survey takes.
 */
public final class ActiveMessages {

    private ActiveMessages() {
    }

    /** What do you hold for {@code key}? (a survey; changes nothing) */
    public record Peek(String op, String key) implements Message {
    }

    public record PeekReply(String op, String key, AcceptorState state) implements Message {
    }
}
