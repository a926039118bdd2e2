package dsys.time.core;

import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Asks several nodes the same question and calls back once all answered or two reply timeouts passed (the
 * silent ones are asked once more): a node that did not answer is then reported unreachable rather than failing
 * the whole request.
 */
public final class Gathers {

    public record Timeout(String id) {
    }

    public static final class Gather {
        public final String id;
        public final long sentAt;
        public final Set<NodeId> waiting = new LinkedHashSet<>();
        public final Map<NodeId, Object> replies = new TreeMap<>();
        public final Map<NodeId, Long> receivedAt = new TreeMap<>();
        final Consumer<Gather> then;
        final Function<String, Message> query;
        TimerId timer;
        int attempts = 1;

        Gather(String id, long sentAt, Consumer<Gather> then, Function<String, Message> query) {
            this.id = id;
            this.sentAt = sentAt;
            this.then = then;
            this.query = query;
        }

        /** Round-trip time to {@code n} by the asking node's clock, or -1 when it did not answer. */
        public long rtt(NodeId n) {
            Long r = receivedAt.get(n);
            return r == null || retried.contains(n) ? -1 : r - sentAt;
        }

        final Set<NodeId> retried = new LinkedHashSet<>();
    }

    private final NodeContext ctx;
    private final Map<String, Gather> open = new HashMap<>();
    private long counter;

    public Gathers(NodeContext ctx) {
        this.ctx = ctx;
    }

    /** Sends {@code query(gatherId)} to every node in {@code targets} but self; {@code selfReply} answers for self. */
    public void ask(Iterable<NodeId> targets, Function<String, Message> query, Object selfReply, Consumer<Gather> then) {
        String id = ctx.self().value() + "#" + ++counter;
        Gather g = new Gather(id, ctx.now(), then, query);
        for (NodeId n : targets) {
            if (n.equals(ctx.self())) {
                g.replies.put(n, selfReply);
                g.receivedAt.put(n, g.sentAt);
            } else {
                g.waiting.add(n);
                ctx.send(n, query.apply(id));
            }
        }
        if (g.waiting.isEmpty()) {
            then.accept(g);
            return;
        }
        open.put(id, g);
        g.timer = ctx.env().after(ctx.config().replyTimeout(), new Timeout(id));
    }

    public void accept(String id, NodeId from, Object reply) {
        Gather g = open.get(id);
        if (g == null || !g.waiting.remove(from)) return; // late or duplicated
        g.replies.put(from, reply);
        g.receivedAt.put(from, ctx.now());
        if (g.waiting.isEmpty()) close(g);
    }

    /** One retry for the silent nodes (a lost query or reply should not make a node look down), then give up. */
    public void onTimeout(Timeout t) {
        Gather g = open.get(t.id());
        if (g == null) return;
        if (g.attempts++ < 2) {
            g.waiting.forEach(n -> {
                g.retried.add(n); // its round trip is no longer measurable
                ctx.send(n, g.query.apply(g.id));
            });
            g.timer = ctx.env().after(ctx.config().replyTimeout(), new Timeout(g.id));
            return;
        }
        close(g);
    }

    private void close(Gather g) {
        open.remove(g.id);
        ctx.cancel(g.timer);
        g.then.accept(g);
    }
}
