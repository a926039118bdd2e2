package dsys.kv.active;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.active.ActiveMessages.Peek;
import dsys.kv.active.ActiveMessages.PeekReply;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@code /replicas} of an active keyspace: asks every replica what it holds for the key (the silent ones again each
 * tick) and answers once all did or at the deadline, naming those that did not. A replica behind the others shows
 * the prefix of the order it has applied. Nothing is repaired.
 */
final class Survey {

    private static final class Open {
        final RequestId request;
        final String key;
        final long deadline;
        final Map<NodeId, AcceptorState> answers = new HashMap<>();
        int sent;

        Open(RequestId request, String key, long deadline) {
            this.request = request;
            this.key = key;
            this.deadline = deadline;
        }
    }

    private final Env env;
    private final KeyspaceConfig config;
    private final long deadlineNanos;
    private final BiConsumer<NodeId, Message> send;
    private final Map<String, Open> open = new LinkedHashMap<>();
    private long seq;

    Survey(Env env, KeyspaceConfig config, long deadlineMs, BiConsumer<NodeId, Message> send) {
        this.env = env;
        this.config = config;
        this.deadlineNanos = deadlineMs * 1_000_000L;
        this.send = send;
    }

    /** {@code own}: this node's replica's state of the key (null without a replica). */
    void start(RequestId request, String key, AcceptorState own) {
        String op = env.self().value() + ":peek:" + ++seq;
        Open s = new Open(request, key, env.nanoTime() + deadlineNanos);
        open.put(op, s);
        if (own != null) s.answers.put(env.self(), own);
        if (!finishIfComplete(op, s)) ask(op, s);
    }

    void onReply(NodeId from, PeekReply r) {
        Open s = open.get(r.op());
        if (s == null || !config.isReplica(from) || !r.key().equals(s.key)) return;
        s.answers.put(from, r.state());
        finishIfComplete(r.op(), s);
    }

    void tick() {
        for (Map.Entry<String, Open> e : new ArrayList<>(open.entrySet())) {
            if (env.nanoTime() - e.getValue().deadline >= 0) finish(e.getKey(), e.getValue());
            else ask(e.getKey(), e.getValue());
        }
    }

    private void ask(String op, Open s) {
        for (NodeId r : config.replicas()) {
            if (s.answers.containsKey(r)) continue;
            send.accept(r, new Peek(op, s.key));
            s.sent++;
        }
    }

    private boolean finishIfComplete(String op, Open s) {
        if (s.answers.size() < config.replicas().size()) return false;
        finish(op, s);
        return true;
    }

    private void finish(String op, Open s) {
        open.remove(op);
        List<KvReplies.ReplicaReport> all = new ArrayList<>();
        for (NodeId r : config.replicas()) {
            AcceptorState a = s.answers.get(r);
            all.add(a == null ? new KvReplies.ReplicaReport(r.value(), config.votesOf(r), false, null, false, null)
                    : new KvReplies.ReplicaReport(r.value(), config.votesOf(r), true, a.accepted(), a.committed(), a.content()));
        }
        Map<String, Integer> messages = new LinkedHashMap<>();
        if (s.sent > 0) messages.put("Peek", s.sent);
        int replies = (int) s.answers.keySet().stream().filter(n -> !n.equals(env.self())).count();
        if (replies > 0) messages.put("PeekReply", replies);
        env.emit("kv.replicas", Map.of("key", s.key, "answered", s.answers.size(), "replicas", all.size()));
        env.reply(s.request, new KvReplies.Replicas(s.key, all, messages));
    }
}
