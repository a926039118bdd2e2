package dsys.kv.eventual;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.eventual.EventualMessages.Peek;
import dsys.kv.eventual.EventualMessages.PeekReply;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * {@link dsys.kv.quorum.KvRequests.Replicas} in an eventual keyspace: asks every replica what it holds for the key
 * (re-asking the silent ones every {@code retryMs}) and answers once all did or at the deadline, naming those that
 * did not. Nothing is repaired: the point is to watch replicas differ and then converge.
 */
final class ReplicaPeeks {

    record Tick(String op) {
    }

    private static final class Survey {
        final RequestId request;
        final String key;
        final long deadlineNanos;
        final Map<NodeId, AcceptorState> answers = new HashMap<>();
        int sent;

        Survey(RequestId request, String key, long deadlineNanos) {
            this.request = request;
            this.key = key;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Env env;
    private final KeyspaceConfig config;
    private final QuorumSettings settings;
    private final EventualReplica local;
    private final BiConsumer<NodeId, Message> send;
    private final Map<String, Survey> open = new HashMap<>();
    private long seq;

    ReplicaPeeks(Env env, KeyspaceConfig config, QuorumSettings settings, EventualReplica local,
                 BiConsumer<NodeId, Message> send) {
        this.env = env;
        this.config = config;
        this.settings = settings;
        this.local = local;
        this.send = send;
    }

    void start(RequestId request, String key) {
        String op = env.self().value() + ":peek:" + ++seq;
        Survey s = new Survey(request, key, env.nanoTime() + settings.deadlineMs() * 1_000_000L);
        open.put(op, s);
        if (local != null) s.answers.put(env.self(), local.state(key));
        if (finishIfComplete(op, s)) return;
        askSilent(op, s);
        env.after(Duration.ofMillis(settings.retryMs()), new Tick(op));
    }

    /** A replica's answer to a {@link Peek}. */
    static PeekReply answer(EventualReplica replica, Peek p) {
        return new PeekReply(p.op(), p.key(), replica.state(p.key()));
    }

    void onReply(NodeId from, PeekReply r) {
        Survey s = open.get(r.op());
        if (s == null || !config.isReplica(from) || !r.key().equals(s.key)) return;
        s.answers.put(from, r.state());
        finishIfComplete(r.op(), s);
    }

    void onTimer(Tick t) {
        Survey s = open.get(t.op());
        if (s == null) return;
        if (env.nanoTime() - s.deadlineNanos >= 0) {
            finish(t.op(), s);
            return;
        }
        askSilent(t.op(), s);
        env.after(Duration.ofMillis(settings.retryMs()), t);
    }

    private void askSilent(String op, Survey s) {
        for (NodeId r : config.replicas()) {
            if (s.answers.containsKey(r)) continue;
            send.accept(r, new Peek(op, s.key));
            s.sent++;
        }
    }

    private boolean finishIfComplete(String op, Survey s) {
        if (s.answers.size() < config.replicas().size()) return false;
        finish(op, s);
        return true;
    }

    private void finish(String op, Survey s) {
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
