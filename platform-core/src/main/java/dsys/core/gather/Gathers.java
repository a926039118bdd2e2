package dsys.core.gather;

import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.LongSupplier;

/**
 * Asks several nodes the same question and calls back once, when every node asked has answered or the last
 * attempt timed out: a node that never answered is then missing from the replies instead of failing the whole
 * request. Replies count once per sender, so a network that duplicates messages cannot make one node's answer
 * stand in for another's. A core owns one instance, routes the replies to {@link #accept} and the timers to
 * {@link #onTimer}.
 */
public final class Gathers {

    /** The timer a gather arms; hand it back through {@link #onTimer}. */
    public record Timeout(String id) {
    }

    /** How long each attempt waits, and how many attempts the silent nodes get in all (≥ 1). */
    public record Patience(Duration timeout, int attempts) {
        public Patience {
            Objects.requireNonNull(timeout, "timeout");
            if (attempts < 1) throw new IllegalArgumentException("attempts must be ≥ 1, was " + attempts);
        }
    }

    private final Env env;
    private final BiConsumer<NodeId, Message> send;
    private final LongSupplier clock;
    private final Map<String, Gather<?>> open = new HashMap<>();
    private final String boot;
    private long counter;

    /**
     * {@code send} carries the queries (the core's own counting send); {@code clock} stamps sending and arrival
     * (round trips are measured on it). Ids carry a random boot tag: a reply to an incarnation before a crash
     * never matches a gather of this one.
     */
    public Gathers(Env env, BiConsumer<NodeId, Message> send, LongSupplier clock) {
        this.env = env;
        this.send = send;
        this.clock = clock;
        this.boot = Long.toString(env.random().nextLong() >>> 40, 36);
    }

    /**
     * Sends {@code query(id)} to every target but this node, which answers itself with {@code selfReply} (not at
     * all when that is null). {@code then} runs once: at once when nobody else was asked, else when the last
     * target answered or the last attempt timed out.
     */
    public <R> Gather<R> ask(Collection<NodeId> targets, Function<String, Message> query, R selfReply,
                             Patience patience, Consumer<Gather<R>> then) {
        return ask(targets, query, selfReply, patience, g -> false, then);
    }

    /**
     * As above, but {@code then} runs as soon as {@code enough} holds of the replies so far (a quorum: a dead node
     * then costs no timeout); later replies are dropped.
     */
    public <R> Gather<R> ask(Collection<NodeId> targets, Function<String, Message> query, R selfReply,
                             Patience patience, Predicate<Gather<R>> enough, Consumer<Gather<R>> then) {
        String id = env.self().value() + "#" + boot + "." + ++counter;
        Gather<R> g = new Gather<>(id, clock.getAsLong(), query, patience, then);
        g.enough = enough;
        for (NodeId n : targets) {
            if (!n.equals(env.self())) {
                g.await(n);
                send.accept(n, query.apply(id));
            } else if (selfReply != null) {
                g.answer(n, selfReply, g.sentAt());
            }
        }
        if (g.complete()) {
            then.accept(g);
        } else {
            open.put(id, g);
            g.timer = env.after(g.timeout, new Timeout(id));
        }
        return g;
    }

    /** A reply to gather {@code id}; false when it was not awaited (unknown or closed gather, not asked, a duplicate). */
    @SuppressWarnings("unchecked")
    public boolean accept(String id, NodeId from, Object reply) {
        Gather<Object> g = (Gather<Object>) open.get(id);
        if (g == null || !g.accept(from, reply, clock.getAsLong())) return false;
        if (g.complete()) close(g);
        return true;
    }

    public boolean handlesTimer(Object timer) {
        return timer instanceof Timeout;
    }

    /** Asks the silent nodes again while attempts are left (a lost query or reply is not a dead node), then gives up. */
    public void onTimer(Object timer) {
        if (!(timer instanceof Timeout t)) return;
        Gather<?> g = open.get(t.id());
        if (g == null) return;
        if (g.attemptsLeft-- > 0) {
            for (NodeId n : g.askAgain()) send.accept(n, g.query.apply(g.id()));
            g.timer = env.after(g.timeout, new Timeout(g.id()));
        } else {
            close(g);
        }
    }

    private <R> void close(Gather<R> g) {
        open.remove(g.id());
        env.cancel(g.timer);
        g.then.accept(g);
    }
}
