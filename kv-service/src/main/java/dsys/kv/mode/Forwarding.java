package dsys.kv.mode;

import dsys.core.env.Rejection;
import dsys.core.message.Message;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;

import java.util.Map;

/**
 * A client request that a node without a replica hands to a replica, and the replica's answer: the same messages for
 * every mode whose replicas serve requests alone (active, eventual). One record per kind keeps each message's JSON
 * plain (no polymorphic request field).
 */
public final class Forwarding {

    private Forwarding() {
    }

    /** A put ({@code delete} false) or delete under {@code ifMatch} as the client gave it; {@code op} names it everywhere. */
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

    /** The message that carries client request {@code body} (get, put, delete or listing) as operation {@code op}. */
    public static Message message(String op, Object body) {
        if (body instanceof KvRequests.Get g) return new ForwardGet(op, g.key());
        if (body instanceof KvRequests.Put p) return new ForwardWrite(op, p.key(), p.value(), false, p.ifMatch());
        if (body instanceof KvRequests.Delete d) return new ForwardWrite(op, d.key(), null, true, d.ifMatch());
        KeyPage.Request r = (KeyPage.Request) body;
        return new ForwardList(op, r.prefix(), r.after(), r.limit());
    }

    /** Whether {@code body} changes state (a put or delete): its outcome may be unknown when no answer comes. */
    public static boolean isWrite(Object body) {
        return body instanceof KvRequests.Put || body instanceof KvRequests.Delete;
    }

    /** The key a request is about, or a listing's prefix followed by {@code *}, for the client's error. */
    public static String key(Object body) {
        if (body instanceof KvRequests.Get g) return g.key();
        if (body instanceof KvRequests.Put p) return p.key();
        if (body instanceof KvRequests.Delete d) return d.key();
        KeyPage.Request r = (KeyPage.Request) body;
        return (r.prefix() == null ? "" : r.prefix()) + "*";
    }

    /** The client request a forwarded message carries. */
    public static Object request(Message m) {
        if (m instanceof ForwardGet g) return new KvRequests.Get(g.key(), null);
        if (m instanceof ForwardWrite w) {
            return w.delete() ? new KvRequests.Delete(w.key(), w.ifMatch()) : new KvRequests.Put(w.key(), w.value(), w.ifMatch());
        }
        ForwardList l = (ForwardList) m;
        return new KeyPage.Request(l.prefix(), l.after(), l.limit());
    }

    public static String op(Message m) {
        if (m instanceof ForwardGet g) return g.op();
        if (m instanceof ForwardWrite w) return w.op();
        return ((ForwardList) m).op();
    }

    /** What a replica sends back for a forwarded request, given its own answer (a reply or a rejection). */
    public static Forwarded answer(String op, Object reply) {
        if (reply instanceof KvReplies.Value v) return new Forwarded(op, v, null, null, null);
        if (reply instanceof KvReplies.Written w) return new Forwarded(op, null, w, null, null);
        if (reply instanceof KeyPage p) return new Forwarded(op, null, null, p, null);
        return new Forwarded(op, null, null, null, (Rejection) reply);
    }

    /** The client's answer from a replica's, with the messages the forwarding cost. */
    public static Object reply(Forwarded f, Map<String, Integer> messages) {
        if (f.value() != null) {
            KvReplies.Value v = f.value();
            return new KvReplies.Value(v.key(), v.value(), v.version(), v.level(), messages);
        }
        if (f.written() != null) return new KvReplies.Written(f.written().key(), f.written().version(), f.written().deleted(), messages);
        if (f.page() != null) return new KeyPage(f.page().keys(), f.page().next(), messages);
        return f.rejection() != null ? f.rejection() : Rejection.unavailable("an empty answer from a replica");
    }
}
