package dsys.kv.active;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.mode.Forwarding;
import dsys.kv.mode.Forwarding.Forwarded;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumStats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A node without a replica hands client requests to a replica. A write goes to one replica, again under the same
 * operation id every tick until answered (the replicas apply an id once); a read or listing tries the next replica
 * each tick. At the deadline a read or listing is 503 (nothing happened), a write 504 (it may be in the order).
 */
final class ToReplica {

    private static final class Pending {
        final RequestId request;
        final Object body;
        final long deadline;
        int next;
        int sent;

        Pending(RequestId request, Object body, long deadline, int first) {
            this.request = request;
            this.body = body;
            this.deadline = deadline;
            this.next = first;
        }
    }

    private final Env env;
    private final List<NodeId> replicas;
    private final long deadlineNanos;
    private final QuorumStats stats;
    private final BiConsumer<NodeId, Message> send;
    private final Map<String, Pending> open = new HashMap<>();

    ToReplica(Env env, List<NodeId> replicas, long deadlineMs, QuorumStats stats, BiConsumer<NodeId, Message> send) {
        this.env = env;
        this.replicas = replicas;
        this.deadlineNanos = deadlineMs * 1_000_000L;
        this.stats = stats;
        this.send = send;
    }

    void start(RequestId request, Object body) {
        String op = env.self().value() + ":fwd:" + Long.toHexString(env.random().nextLong());
        Pending p = new Pending(request, body, env.nanoTime() + deadlineNanos, env.random().nextInt(replicas.size()));
        open.put(op, p);
        attempt(op, p);
    }

    /** Each tick: again to the silent; the client's answer at the deadline. */
    void tick() {
        for (Map.Entry<String, Pending> e : new ArrayList<>(open.entrySet())) {
            Pending p = e.getValue();
            if (env.nanoTime() - p.deadline < 0) {
                attempt(e.getKey(), p);
                continue;
            }
            open.remove(e.getKey());
            boolean write = Forwarding.isWrite(p.body);
            String key = Forwarding.key(p.body);
            env.reply(p.request, write ? KvReplies.outcomeUnknown(key, "no replica of " + replicas
                    + " confirmed the forwarded write in time (while a replica is down no write is delivered)")
                    : KvReplies.unavailable(key, "no replica of " + replicas + " answered in time"));
        }
    }

    void onReply(Forwarded f) {
        Pending p = open.remove(f.op());
        if (p == null) return; // late or repeated
        Map<String, Integer> messages = Map.of(Forwarding.message(f.op(), p.body).type(), p.sent, "Forwarded", 1);
        stats.operation(dsys.kv.mode.KvCore.operation(p.body), messages);
        Object answer = Forwarding.reply(f, messages);
        env.reply(p.request, answer);
    }

    private void attempt(String op, Pending p) {
        boolean write = Forwarding.isWrite(p.body);
        NodeId to = replicas.get((write ? p.next : p.next++) % replicas.size());
        send.accept(to, Forwarding.message(op, p.body));
        p.sent++;
    }
}
