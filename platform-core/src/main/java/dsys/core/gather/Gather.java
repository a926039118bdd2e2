package dsys.core.gather;

import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One question put to several nodes and what came back: at most one reply per node, the first (a duplicated
 * or late reply changes nothing), with when it arrived by the asking node's clock. Made by {@link Gathers}.
 */
public final class Gather<R> {

    private final String id;
    private final long sentAt;
    private final Set<NodeId> waiting = new LinkedHashSet<>();
    private final Set<NodeId> askedAgain = new HashSet<>();
    private final Map<NodeId, R> replies = new TreeMap<>();
    private final Map<NodeId, Long> receivedAt = new TreeMap<>();
    final Function<String, Message> query;
    final Consumer<Gather<R>> then;
    final Duration timeout;
    Predicate<Gather<R>> enough = g -> false;
    int attemptsLeft;
    TimerId timer;

    Gather(String id, long sentAt, Function<String, Message> query, Gathers.Patience patience, Consumer<Gather<R>> then) {
        this.id = id;
        this.sentAt = sentAt;
        this.query = query;
        this.then = then;
        this.timeout = patience.timeout();
        this.attemptsLeft = patience.attempts() - 1;
    }

    public String id() {
        return id;
    }

    /** When the question went out, by the clock the {@link Gathers} was given. */
    public long sentAt() {
        return sentAt;
    }

    /** One reply per node that answered, in node order. */
    public Map<NodeId, R> replies() {
        return Collections.unmodifiableMap(replies);
    }

    /** The nodes asked that have not answered (yet). */
    public Set<NodeId> silent() {
        return Collections.unmodifiableSet(waiting);
    }

    /** When {@code n}'s reply arrived, or -1 when it did not. */
    public long receivedAt(NodeId n) {
        return receivedAt.getOrDefault(n, -1L);
    }

    /** Round trip to {@code n}, or -1 when it did not answer or was asked again (which reply answers which ask?). */
    public long rtt(NodeId n) {
        Long r = receivedAt.get(n);
        return r == null || askedAgain.contains(n) ? -1 : r - sentAt;
    }

    boolean complete() {
        return waiting.isEmpty() || enough.test(this);
    }

    void await(NodeId n) {
        waiting.add(n);
    }

    void answer(NodeId n, R reply, long at) {
        replies.put(n, reply);
        receivedAt.put(n, at);
    }

    /** Records {@code reply} if {@code from} was asked and has not answered; false for anything else. */
    boolean accept(NodeId from, R reply, long at) {
        if (!waiting.remove(from)) return false;
        answer(from, reply, at);
        return true;
    }

    /** The silent nodes, now asked again. */
    List<NodeId> askAgain() {
        askedAgain.addAll(waiting);
        return List.copyOf(waiting);
    }
}
