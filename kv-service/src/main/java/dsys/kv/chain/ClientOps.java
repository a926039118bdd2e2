package dsys.kv.chain;

import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.kv.chain.ChainMessages.ListForward;
import dsys.kv.chain.ChainMessages.ReadForward;
import dsys.kv.chain.ChainMessages.WriteForward;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.KvRequests;
import dsys.kv.quorum.QuorumStats;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The client's side on any node: a write goes to the head of this node's view, a read or listing to its tail, and
 * is sent again each tick (to whichever node the view then names) until answered or the deadline passes. At the
 * deadline a write that reached some head is answered 504 (it may still be acknowledged), anything else 503.
 */
final class ClientOps {

    private static final class Op {
        final RequestId request;
        final String label;
        final String key;
        final Message forward;
        final long deadline;
        final Map<String, Integer> messages = new LinkedHashMap<>();
        int attempts;
        long sentAt;
        String sentTo;
        boolean handedOff;

        Op(RequestId request, String label, String key, Message forward, long deadline) {
            this.request = request;
            this.label = label;
            this.key = key;
            this.forward = forward;
            this.deadline = deadline;
        }
    }

    /** Serves a forwarded request on this node (it is the head or tail it was sent to, or not: then it redirects). */
    interface Local {
        void serve(String from, Message forward);
    }

    private final Env env;
    private final ChainTimings timings;
    private final QuorumStats stats;
    private final Function<Message, String> target;
    private final Local local;
    private final Map<String, Op> ops = new LinkedHashMap<>();
    private long incarnation;
    private long seq;

    ClientOps(Env env, ChainTimings timings, QuorumStats stats, Function<Message, String> target, Local local) {
        this.env = env;
        this.timings = timings;
        this.stats = stats;
        this.target = target;
        this.local = local;
    }

    /** Operation ids name a durable incarnation, so a restarted node's ids never repeat (the head dedupes by them). */
    void load(String keyspace) {
        String key = ChainReplica.prefix(keyspace) + "incarnation";
        incarnation = env.storage().get(key).map(Long::parseLong).orElse(0L) + 1;
        env.storage().put(key, Long.toString(incarnation));
        ops.clear();
    }

    void write(RequestId request, String key, String value, boolean delete, dsys.kv.quorum.Ballot ifMatch) {
        String label = delete ? "delete" : ifMatch != null ? "cas" : "put";
        String op = nextId();
        start(op, new Op(request, label, key, new WriteForward(op, 1, key, value, delete, ifMatch, false), deadline()));
    }

    void read(RequestId request, KvRequests.Get g, String level) {
        String op = nextId();
        start(op, new Op(request, "read-" + level, g.key(), new ReadForward(op, g.key()), deadline()));
    }

    void list(RequestId request, KeyPage.Request r) {
        String op = nextId();
        start(op, new Op(request, "list", r.prefix() == null ? "" : r.prefix() + "*",
                new ListForward(op, r.prefix(), r.after(), r.limit()), deadline()));
    }

    private void start(String id, Op op) {
        ops.put(id, op);
        route(id, op);
    }

    private void route(String id, Op op) {
        op.attempts++;
        op.sentAt = env.nanoTime();
        Message m = op.forward instanceof WriteForward w
                ? new WriteForward(w.op(), op.attempts, w.key(), w.value(), w.delete(), w.ifMatch(), op.handedOff) : op.forward;
        String to = target.apply(m);
        op.sentTo = to;
        // a write sent away may be taken; one served here is marked by takenHere when this node's head takes it
        if (op.forward instanceof WriteForward && !to.equals(env.self().value())) op.handedOff = true;
        if (to.equals(env.self().value())) {
            local.serve(to, m);
        } else {
            op.messages.merge(m.type(), 1, Integer::sum);
            stats.sent(m.type());
            env.send(dsys.core.node.NodeId.of(to), m);
        }
    }

    /** An answer for operation {@code id} (from {@code from}; this node when served here). */
    void answered(String id, Message reply, Object result) {
        Op op = ops.remove(id);
        if (op == null) return; // answered already
        if (reply != null) op.messages.merge(reply.type(), 1, Integer::sum);
        Map<String, Integer> messages = Map.copyOf(op.messages);
        if (result instanceof KvReplies.Written w) result = new KvReplies.Written(w.key(), w.version(), w.deleted(), messages);
        else if (result instanceof KvReplies.Value v) result = new KvReplies.Value(v.key(), v.value(), v.version(), v.level(), messages);
        else if (result instanceof KeyPage p) result = new KeyPage(p.keys(), p.next(), messages);
        finish(op, result);
    }

    /** The node asked was not the head (tail) or could not serve: try again at once if the view names another. */
    void redirected(String id, Message reply) {
        Op op = ops.get(id);
        if (op == null) return;
        op.messages.merge(reply.type(), 1, Integer::sum);
    }

    /** The read's level label, which the Value carries. */
    String label(String id) {
        Op op = ops.get(id);
        return op == null ? "linearizable" : op.label.startsWith("read-") ? op.label.substring(5) : op.label;
    }

    /** A new view: requests waiting on a head (tail) it replaced go to the new one now, not at the next tick. */
    void viewChanged() {
        for (Map.Entry<String, Op> e : new java.util.ArrayList<>(ops.entrySet())) {
            Op op = e.getValue();
            if (ops.containsKey(e.getKey()) && !target.apply(op.forward).equals(op.sentTo)) route(e.getKey(), op);
        }
    }

    /** This node's head took write {@code id} of its own client: past its deadline, its outcome is unknown. */
    void takenHere(String id) {
        Op op = ops.get(id);
        if (op != null) op.handedOff = true;
    }

    /** Requests last sent to {@code node} go again now (a local write that waited there for the primary role). */
    void resend(String node) {
        for (Map.Entry<String, Op> e : new java.util.ArrayList<>(ops.entrySet())) {
            if (ops.containsKey(e.getKey()) && node.equals(e.getValue().sentTo)) route(e.getKey(), e.getValue());
        }
    }

    void tick() {
        long now = env.nanoTime();
        for (Map.Entry<String, Op> e : new java.util.ArrayList<>(ops.entrySet())) { // Map.copyOf's order is random per JVM
            Op op = e.getValue();
            if (!ops.containsKey(e.getKey())) continue;
            if (now - op.deadline >= 0) {
                ops.remove(e.getKey());
                env.emit("kv.timeout", Map.of("key", op.key, "op", e.getKey(), "label", op.label));
                finish(op, op.handedOff
                        ? KvReplies.outcomeUnknown(op.key, "the write was not acknowledged within "
                        + timings.deadlineMs() + " ms (the replicas may be changing their view)")
                        : KvReplies.unavailable(op.key, "no member that serves reads answered within " + timings.deadlineMs() + " ms"));
            } else if (now - op.sentAt >= timings.ms(timings.tickMs())) {
                route(e.getKey(), op);
            }
        }
    }

    private void finish(Op op, Object result) {
        stats.operation(op.label, op.messages);
        if (result instanceof Rejection r) stats.count("rejected." + r.type());
        env.reply(op.request, result);
    }

    private long deadline() {
        return env.nanoTime() + timings.ms(timings.deadlineMs());
    }

    private String nextId() {
        return env.self().value() + ":" + incarnation + ":" + (++seq);
    }
}
