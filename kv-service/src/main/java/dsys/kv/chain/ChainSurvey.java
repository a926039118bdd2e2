package dsys.kv.chain;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.chain.ChainMessages.Inspect;
import dsys.kv.chain.ChainMessages.InspectReply;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * What every replica holds for one key ({@link dsys.kv.quorum.KvRequests.Replicas}): each is asked, the silent ones
 * again each tick, and the answer comes when all answered or at the deadline, naming those that did not. A report's
 * {@code chosen} says the replica knows that version is at the tail (acknowledged); a member behind the tail, or
 * a node still copying, shows as it is. Nothing is repaired.
 */
final class ChainSurvey {

    private static final class Survey {
        final RequestId request;
        final String key;
        final long deadline;
        final Map<String, InspectReply> answers = new HashMap<>();
        int sent;

        Survey(RequestId request, String key, long deadline) {
            this.request = request;
            this.key = key;
            this.deadline = deadline;
        }
    }

    private final Env env;
    private final KeyspaceConfig config;
    private final ChainTimings timings;
    private final BiConsumer<String, Message> send;
    private final Map<String, Survey> open = new HashMap<>();
    private long seq;

    ChainSurvey(Env env, KeyspaceConfig config, ChainTimings timings, BiConsumer<String, Message> send) {
        this.env = env;
        this.config = config;
        this.timings = timings;
        this.send = send;
    }

    void start(RequestId request, String key, InspectReply own) {
        String op = env.self().value() + ":survey:" + (++seq);
        Survey s = new Survey(request, key, env.nanoTime() + timings.ms(timings.deadlineMs()));
        open.put(op, s);
        if (own != null) s.answers.put(env.self().value(), own);
        ask(op, s);
        finishIfComplete(op, s);
    }

    void onReply(String from, InspectReply r) {
        Survey s = open.get(r.op());
        if (s == null || !config.isReplica(NodeId.of(from)) || !r.key().equals(s.key)) return;
        s.answers.put(from, r);
        finishIfComplete(r.op(), s);
    }

    void tick() {
        for (Map.Entry<String, Survey> e : new ArrayList<>(open.entrySet())) { // a copy in a fixed order: replays stay exact
            if (env.nanoTime() - e.getValue().deadline >= 0) finish(e.getKey(), e.getValue());
            else ask(e.getKey(), e.getValue());
        }
    }

    private void ask(String op, Survey s) {
        for (NodeId r : config.replicas()) {
            if (s.answers.containsKey(r.value())) continue;
            send.accept(r.value(), new Inspect(op, s.key));
            s.sent++;
        }
    }

    private void finishIfComplete(String op, Survey s) {
        if (s.answers.size() >= config.replicas().size()) finish(op, s);
    }

    private void finish(String op, Survey s) {
        open.remove(op);
        List<KvReplies.ReplicaReport> all = new ArrayList<>();
        for (NodeId n : config.replicas()) {
            InspectReply a = s.answers.get(n.value());
            all.add(a == null ? new KvReplies.ReplicaReport(n.value(), config.votesOf(n), false, null, false, null)
                    : new KvReplies.ReplicaReport(n.value(), config.votesOf(n), true, a.version(), a.acked(), a.content()));
        }
        Map<String, Integer> messages = new LinkedHashMap<>();
        if (s.sent > 0) messages.put("Inspect", s.sent);
        int replies = (int) s.answers.keySet().stream().filter(n -> !n.equals(env.self().value())).count();
        if (replies > 0) messages.put("InspectReply", replies);
        env.emit("kv.replicas", Map.of("key", s.key, "answered", s.answers.size(), "replicas", all.size()));
        env.reply(s.request, new KvReplies.Replicas(s.key, all, messages));
    }
}
