package dsys.kv.mode;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
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
 * {@link dsys.kv.quorum.KvRequests.Replicas} for the modes whose replicas answer with their state of the key (eventual,
 * active): asks every replica (the silent ones again every {@code retryMs}) and answers once all did or at the
 * deadline, naming those that did not. Nothing is repaired: the point is to watch replicas differ and converge. The
 * mode's core routes {@link Peek}s to {@link #answer}, and {@link PeekReply}s and {@link Tick}s here.
 */
public final class StateSurvey {

    public record Tick(String op) {
    }

    /** What do you hold for {@code key}? (a survey; changes nothing) */
    public record Peek(String op, String key) implements Message {
    }

    public record PeekReply(String op, String key, AcceptorState state) implements Message {
    }

    private static final class Open {
        final RequestId request;
        final String key;
        final long deadlineNanos;
        final Map<NodeId, AcceptorState> answers = new HashMap<>();
        int sent;

        Open(RequestId request, String key, long deadlineNanos) {
            this.request = request;
            this.key = key;
            this.deadlineNanos = deadlineNanos;
        }
    }

    private final Env env;
    private final KeyspaceConfig config;
    private final QuorumSettings settings;
    private final BiConsumer<NodeId, Message> send;
    private final Map<String, Open> open = new HashMap<>();
    private long seq;

    public StateSurvey(Env env, KeyspaceConfig config, QuorumSettings settings, BiConsumer<NodeId, Message> send) {
        this.env = env;
        this.config = config;
        this.settings = settings;
        this.send = send;
    }

    /** A replica's part: {@code own} is its state of the asked key. */
    public void answer(NodeId from, Peek p, AcceptorState own) {
        send.accept(from, new PeekReply(p.op(), p.key(), own));
    }

    /** {@code own}: this node's replica's state of the key (null without a replica). */
    public void start(RequestId request, String key, AcceptorState own) {
        String op = env.self().value() + ":peek:" + ++seq;
        Open s = new Open(request, key, env.nanoTime() + settings.deadlineMs() * 1_000_000L);
        open.put(op, s);
        if (own != null) s.answers.put(env.self(), own);
        if (finishIfComplete(op, s)) return;
        askSilent(op, s);
        env.after(Duration.ofMillis(settings.retryMs()), new Tick(op));
    }

    /** A replica's answer: its state of the key for survey {@code r.op()}. */
    public void onReply(NodeId from, PeekReply r) {
        Open s = open.get(r.op());
        if (s == null || !config.isReplica(from) || !r.key().equals(s.key)) return; // late, duplicate or foreign
        s.answers.put(from, r.state());
        finishIfComplete(r.op(), s);
    }

    public void onTimer(Tick t) {
        Open s = open.get(t.op());
        if (s == null) return;
        if (env.nanoTime() - s.deadlineNanos >= 0) {
            finish(t.op(), s);
            return;
        }
        askSilent(t.op(), s);
        env.after(Duration.ofMillis(settings.retryMs()), t);
    }

    private void askSilent(String op, Open s) {
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
