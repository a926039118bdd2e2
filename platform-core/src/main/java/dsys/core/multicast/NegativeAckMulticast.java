package dsys.core.multicast;

import dsys.core.env.Env;
import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.multicast.MulticastMessages.Data;
import dsys.core.multicast.MulticastMessages.Nack;
import dsys.core.multicast.MulticastMessages.Session;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Feedback control with negative acknowledgements, the part the flat and the hierarchical schemes share: a receiver
 * says nothing while messages arrive in order; when it sees a gap (a later number, or the origin's session
 * announcement of its newest) it waits a random back-off, then asks for the missing message, and asks again after
 * another back-off until it has it. Who data goes to, whom a receiver asks, and whether the request goes to the whole
 * group (so others suppress theirs) is the subclass's topology. A member that forwards messages (the origin, a local
 * coordinator) keeps them in its history buffer for {@link MulticastTiming#retention()} and answers requests from it.
 */
public abstract class NegativeAckMulticast implements ReliableMulticast {

    /** The periodic session announcement and history expiry. */
    public record Tick() {
    }

    /** The back-off of the request for message {@code seq} of {@code origin} is over. */
    public record NackDue(String origin, long seq) {
    }

    private record Key(String origin, long seq) {
    }

    /** Session announcements slow down to one every this many ticks while nothing new is multicast. */
    static final int MAX_SESSION_SPACING = 16;

    protected final Env env;
    protected final List<NodeId> group;
    private final MulticastTiming timing;
    private final History history;
    private final Inbox inbox;
    private final FeedbackCount feedback = new FeedbackCount();
    private final Map<Key, TimerId> waiting = new HashMap<>();
    private final Map<Key, Long> repairedAt = new HashMap<>();
    private final String self;
    private int sessionSpacing = 1;
    private int ticksToSession = 1;

    protected NegativeAckMulticast(Env env, List<NodeId> group, MulticastTiming timing, String prefix,
                                   Consumer<Delivery> deliver) {
        this.env = env;
        this.self = env.self().value();
        this.group = group.stream().sorted().toList();
        this.timing = timing;
        this.history = new History(env.storage(), prefix);
        this.inbox = new Inbox(env.storage(), prefix, deliver);
    }

    /** Where this member sends (or forwards) the messages of {@code origin}. */
    protected abstract List<NodeId> dataTargets(NodeId origin);

    /** Whom this member asks for a missing message of {@code origin}. */
    protected abstract NodeId parent(NodeId origin);

    /** Whether requests and repairs go to the whole group, so that one request suppresses the others'. */
    protected abstract boolean suppression();

    @Override
    public void start() {
        history.load(env.nanoTime());
        env.after(timing.tick(), new Tick());
    }

    @Override
    public long multicast(String payload) {
        long seq = history.takeSeq();
        history.put(self, seq, payload, env.nanoTime());
        inbox.receive(self, seq, payload);
        for (NodeId n : dataTargets(env.self())) env.send(n, new Data(self, seq, payload, false));
        sessionSpacing = 1;
        ticksToSession = 1;
        return seq;
    }

    @Override
    public boolean onMessage(NodeId from, Message m) {
        if (m instanceof Data d) {
            received(d);
            return true;
        }
        if (m instanceof Session s) {
            inbox.noteHighest(s.origin(), s.highest());
            for (NodeId n : dataTargets(NodeId.of(s.origin()))) env.send(n, s);
            scheduleRequests(s.origin());
            return true;
        }
        if (m instanceof Nack n) {
            requested(from, n);
            return true;
        }
        return false;
    }

    @Override
    public boolean onTimer(Object timer) {
        if (timer instanceof NackDue due) {
            Key k = new Key(due.origin(), due.seq());
            waiting.remove(k);
            if (!inbox.has(due.origin(), due.seq())) request(k);
            return true;
        }
        if (!(timer instanceof Tick)) return false;
        history.expire(env.nanoTime() - timing.retention().toNanos());
        repairedAt.clear();
        if (history.lastSeq() > 0 && --ticksToSession <= 0) {
            for (NodeId n : dataTargets(env.self())) env.send(n, new Session(self, history.lastSeq()));
            sessionSpacing = Math.min(sessionSpacing * 2, MAX_SESSION_SPACING);
            ticksToSession = sessionSpacing;
        }
        env.after(timing.tick(), new Tick());
        return true;
    }

    @Override
    public FeedbackCount feedback() {
        return feedback;
    }

    /** Messages this member keeps for retransmission. */
    public int buffered() {
        return history.size();
    }

    private void received(Data d) {
        Key k = new Key(d.origin(), d.seq());
        cancel(k);
        if (!inbox.receive(d.origin(), d.seq(), d.payload())) return;
        List<NodeId> targets = dataTargets(NodeId.of(d.origin()));
        if (!targets.isEmpty()) {
            history.put(d.origin(), d.seq(), d.payload(), env.nanoTime());
            for (NodeId n : targets) env.send(n, new Data(d.origin(), d.seq(), d.payload(), d.repair()));
        }
        scheduleRequests(d.origin());
    }

    private void requested(NodeId from, Nack n) {
        String payload = history.get(n.origin(), n.seq());
        Key k = new Key(n.origin(), n.seq());
        if (payload != null) {
            Data repair = new Data(n.origin(), n.seq(), payload, true);
            if (!suppression()) {
                env.send(from, repair);
                return;
            }
            // A multicast repair reaches everyone: a second request that crossed it needs none of its own.
            long now = env.nanoTime();
            Long last = repairedAt.get(k);
            if (last != null && now - last < timing.backoff().toNanos() / 2) return;
            repairedAt.put(k, now);
            for (NodeId m : group) if (!m.equals(env.self())) env.send(m, repair);
        } else if (!inbox.has(n.origin(), n.seq())) {
            // Someone asked for what this member misses too: suppress its own request and wait for the repair.
            inbox.noteHighest(n.origin(), n.seq());
            if (suppression() && !env.self().value().equals(n.origin())) {
                cancel(k);
                arm(k, timing.backoff().toNanos() * 2 + env.random().nextLong(timing.backoff().toNanos()));
            } else {
                scheduleRequests(n.origin());
            }
        }
    }

    /** Arms a random back-off for each gap that has none yet. */
    private void scheduleRequests(String origin) {
        for (long seq : inbox.gaps(origin)) {
            Key k = new Key(origin, seq);
            if (!waiting.containsKey(k)) arm(k, env.random().nextLong(timing.backoff().toNanos()));
        }
    }

    /** Asks for the message, then waits a back-off before asking again (the request or the repair may be lost). */
    private void request(Key k) {
        NodeId origin = NodeId.of(k.origin());
        Nack nack = new Nack(k.origin(), k.seq());
        if (suppression()) {
            int copies = 0;
            for (NodeId m : group) {
                if (m.equals(env.self())) continue;
                env.send(m, nack);
                copies++;
            }
            feedback.sent(copies, true);
        } else {
            NodeId to = parent(origin);
            env.send(to, nack);
            feedback.sent(1, to.equals(origin));
        }
        arm(k, timing.backoff().toNanos() + env.random().nextLong(timing.backoff().toNanos()));
    }

    private void arm(Key k, long delayNanos) {
        waiting.put(k, env.after(Duration.ofNanos(delayNanos), new NackDue(k.origin(), k.seq())));
    }

    private void cancel(Key k) {
        TimerId t = waiting.remove(k);
        if (t != null) env.cancel(t);
    }
}
