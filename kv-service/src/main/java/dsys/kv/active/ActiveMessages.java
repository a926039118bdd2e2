package dsys.kv.active;

import dsys.core.env.Rejection;
import dsys.core.message.Message;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;

/**
 * Between nodes of an active keyspace, besides the totally ordered multicast's own messages: requests a node without
 * a replica hands to a replica, and the per-replica look of a {@code /replicas} survey. One record per kind keeps
 * each message's JSON plain.
 */
public final class ActiveMessages {

    private ActiveMessages() {
    }

    /** A put ({@code delete} false) or delete; {@code op} names it everywhere, so a repeat is applied once. */
    public record ForwardWrite(String op, String key, String value, boolean delete, Ballot ifMatch) implements Message {
    }

    public record ForwardGet(String op, String key) implements Message {
    }

    public record ForwardList(String op, String prefix, String after, int limit) implements Message {
    }

    /** The replica's answer to a forwarded request: exactly one of the fields is set. */
    public record Forwarded(String op, KvReplies.Value value, KvReplies.Written written, KeyPage page,
                            Rejection rejection) implements Message {
    }

    /** What do you hold for {@code key}? (a survey; changes nothing) */
    public record Peek(String op, String key) implements Message {
    }

    public record PeekReply(String op, String key, AcceptorState state) implements Message {
    }
}
