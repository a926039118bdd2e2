package dsys.kv.quorum;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.quorum.QuorumMessages.Read;
import dsys.kv.quorum.QuorumMessages.ReadReply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What every replica holds for one key ({@link KvRequests.Replicas}), to show divergence: a replica that lags,
 * content accepted but not known chosen, a tombstone some replicas still lack. It asks every replica with the
 * read's {@link Read} (which changes nothing), re-asks the silent ones every {@code retryMs}, and answers once
 * all replicas answered or at the deadline, naming those that did not. Nothing is written back or repaired: the
 * point is to see the replicas as they are.
 */
final class ReplicaSurvey {

    /** Operation ids of surveys carry this marker, so their answers are never taken for a coordinator's. */
    static final String MARK = ":survey:";

    record Tick(String op) {
    }

    private static final class Survey {
        final RequestId request;
        final String key;
        final long deadlineNanos;
        final Map<NodeId, KvReplies.ReplicaReport> answers = new HashMap<>();
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
    private final Replica local;
    private final BiConsumer<NodeId, Message> send;
    private final Map<String, Survey> open = new HashMap<>();
    private long seq;

    ReplicaSurvey(Env env, KeyspaceConfig config, QuorumSettings settings, Replica local,
                  BiConsumer<NodeId, Message> send) {
        this.env = env;
        this.config = config;
        this.settings = settings;
        this.local = local;
        this.send = send;
    }

    static boolean owns(String op) {
        return op != null && op.contains(MARK);
    }

    void start(RequestId request, String key) {
        String op = env.self().value() + MARK + (++seq);
        Survey s = new Survey(request, key, env.nanoTime() + settings.deadlineMs() * 1_000_000L);
        open.put(op, s);
        if (local != null) s.answers.put(env.self(), report(env.self(), true, local.onRead(new Read(op, key))));
        askSilent(op, s);
        if (!finishIfComplete(op, s)) env.after(Duration.ofMillis(settings.retryMs()), new Tick(op));
    }

    void onReply(NodeId from, ReadReply r) {
        Survey s = open.get(r.op());
        if (s == null || !config.isReplica(from) || !r.key().equals(s.key)) return; // late, duplicate or foreign
        s.answers.put(from, report(from, true, r));
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
            send.accept(r, new Read(op, s.key));
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
            KvReplies.ReplicaReport a = s.answers.get(r);
            all.add(a != null ? a : report(r, false, null));
        }
        Map<String, Integer> messages = new LinkedHashMap<>();
        if (s.sent > 0) messages.put("Read", s.sent);
        int replies = (int) s.answers.keySet().stream().filter(n -> !n.equals(env.self())).count();
        if (replies > 0) messages.put("ReadReply", replies);
        env.emit("kv.replicas", Map.of("key", s.key, "answered", s.answers.size(), "replicas", all.size()));
        env.reply(s.request, new KvReplies.Replicas(s.key, all, messages));
    }

    private KvReplies.ReplicaReport report(NodeId node, boolean answered, ReadReply r) {
        return answered
                ? new KvReplies.ReplicaReport(node.value(), config.votesOf(node), true, r.accepted(), r.committed(), r.content())
                : new KvReplies.ReplicaReport(node.value(), config.votesOf(node), false, null, false, null);
    }
}
