package dsys.kv.eventual;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.mode.Forwarding;
import dsys.kv.mode.Forwarding.Forwarded;
import dsys.kv.quorum.KeyspaceConfig;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.QuorumSettings;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A node without a replica hands client requests to a replica: it starts at a random one and, every
 * {@code retryMs} without an answer, tries the next. The first answer is the client's. At the deadline a read or
 * listing is answered 503 (nothing happened); a write 504, since a replica may have applied it without the answer
 * getting back (the quorum mode's convention). A retried write may be applied by two replicas: two versions of the
 * same value, of which the later wins; harmless for plain writes, and one more reason compare-and-set is not
 * linearizable in this mode.
 */
final class Forwarder {

    record Tick(String op) {
    }

    private static final class Pending {
        final RequestId request;
        final Object body;
        final String label;
        final long deadlineNanos;
        int next;
        int sent;

        Pending(RequestId request, Object body, String label, long deadlineNanos, int first) {
            this.request = request;
            this.body = body;
            this.label = label;
            this.deadlineNanos = deadlineNanos;
            this.next = first;
        }
    }

    private final Env env;
    private final List<NodeId> replicas;
    private final QuorumSettings settings;
    private final BiConsumer<NodeId, Message> send;
    private final BiConsumer<String, Map<String, Integer>> operation;
    private final Map<String, Pending> open = new HashMap<>();
    private long seq;

    Forwarder(Env env, KeyspaceConfig config, QuorumSettings settings, BiConsumer<NodeId, Message> send,
              BiConsumer<String, Map<String, Integer>> operation) {
        this.env = env;
        this.replicas = config.replicas();
        this.settings = settings;
        this.send = send;
        this.operation = operation;
    }

    void start(RequestId request, Object body, String label) {
        String op = env.self().value() + ":fwd:" + ++seq;
        Pending p = new Pending(request, body, label, env.nanoTime() + settings.deadlineMs() * 1_000_000L,
                env.random().nextInt(replicas.size()));
        open.put(op, p);
        attempt(op, p);
    }

    void onTimer(Tick t) {
        Pending p = open.get(t.op());
        if (p == null) return;
        if (env.nanoTime() - p.deadlineNanos < 0) {
            attempt(t.op(), p);
            return;
        }
        open.remove(t.op());
        String key = Forwarding.key(p.body);
        env.emit("kv.forward", Map.of("op", p.label, "outcome", "no-answer", "attempts", p.sent));
        env.reply(p.request, Forwarding.isWrite(p.body)
                ? KvReplies.outcomeUnknown(key, "no replica of " + replicas + " answered the forwarded write in time")
                : KvReplies.unavailable(key, "no replica of " + replicas + " answered in time"));
    }

    void onReply(Forwarded f) {
        Pending p = open.remove(f.op());
        if (p == null) return; // late or duplicate
        Map<String, Integer> messages = new LinkedHashMap<>();
        messages.put(Forwarding.message(f.op(), p.body).type(), p.sent);
        messages.put("Forwarded", 1);
        operation.accept(p.label, messages);
        Object answer = Forwarding.reply(f, messages);
        env.reply(p.request, answer);
    }

    private void attempt(String op, Pending p) {
        NodeId to = replicas.get(p.next++ % replicas.size());
        send.accept(to, Forwarding.message(op, p.body));
        p.sent++;
        env.after(Duration.ofMillis(settings.retryMs()), new Tick(op));
    }
}
