package dsys.core.multicast;

import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.multicast.MulticastMessages.Ack;
import dsys.core.multicast.MulticastMessages.Data;
import dsys.core.node.NodeId;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Basic reliable multicast (the notes' §7.1): the sender numbers each message, sends it to every receiver and keeps
 * it in its history buffer until every receiver has acknowledged it. A receiver acknowledges every message it gets
 * (cumulatively: "I have all up to n"); one that sees a later number than it expects says which one is missing at
 * once, and the sender retransmits it. Whatever stays unacknowledged for a tick goes again, so a lost last message
 * or a lost acknowledgement is repaired too. The cost is the point: n − 1 acknowledgements per message.
 *
 * <p>{@link #piggybacked}: where every member multicasts too (Lamport's total order, whose receivers all answer),
 * an acknowledgement rides on the next message to its origin ({@link Data#acks}) and goes on its own only when none
 * left within a quarter tick. Same information, cumulative as before; a gap is still reported at once.
 */
public final class PositiveAckMulticast implements ReliableMulticast {

    /** The periodic retransmission check. */
    public record Tick() {
    }

    /** Acknowledgements owed that no message carried in time go on their own. */
    public record AckDue() {
    }

    /** Messages a receiver gets again per tick at most (a receiver back from a long absence is not flooded). */
    static final int RESEND_WINDOW = 32;

    private final Env env;
    private final List<NodeId> receivers;
    private final MulticastTiming timing;
    private final History history;
    private final Inbox inbox;
    private final FeedbackCount feedback = new FeedbackCount();
    private final Map<NodeId, Long> acked = new HashMap<>();
    private final Map<NodeId, Long> lastGapRepair = new HashMap<>();
    private final String self;
    private final boolean piggyback;
    private final Map<String, Long> told = new HashMap<>(); // origin -> the number last acknowledged to it
    private boolean ackDue;

    /**
     * {@code group}: every member, this one included; {@code prefix} scopes its keys on the node's disk (so a core
     * may embed several); {@code deliver} is called for each message in the step it becomes deliverable.
     */
    public PositiveAckMulticast(Env env, List<NodeId> group, MulticastTiming timing, String prefix,
                                Consumer<Delivery> deliver) {
        this(env, group, timing, prefix, deliver, false);
    }

    /** As the constructor, with acknowledgements carried on this member's own messages when it sends any. */
    public static PositiveAckMulticast piggybacked(Env env, List<NodeId> group, MulticastTiming timing, String prefix,
                                                   Consumer<Delivery> deliver) {
        return new PositiveAckMulticast(env, group, timing, prefix, deliver, true);
    }

    private PositiveAckMulticast(Env env, List<NodeId> group, MulticastTiming timing, String prefix,
                                 Consumer<Delivery> deliver, boolean piggyback) {
        this.env = env;
        this.piggyback = piggyback;
        this.self = env.self().value();
        this.receivers = group.stream().filter(n -> !n.equals(env.self())).sorted().toList();
        this.timing = timing;
        this.history = new History(env.storage(), prefix);
        this.inbox = new Inbox(env.storage(), prefix, deliver);
    }

    @Override
    public void start() {
        history.load(env.nanoTime());
        told.clear();
        ackDue = false;
        env.after(timing.tick(), new Tick());
    }

    @Override
    public long multicast(String payload) {
        long seq = history.takeSeq();
        history.put(self, seq, payload, env.nanoTime());
        inbox.receive(self, seq, payload);
        for (NodeId r : receivers) env.send(r, new Data(self, seq, payload, false, carried(r)));
        if (receivers.isEmpty()) trim();
        return seq;
    }

    @Override
    public boolean onMessage(NodeId from, Message m) {
        if (m instanceof Data d) {
            if (d.acks() > 0) acknowledged(from, d.acks(), false); // before delivery: what it answers may trim more
            boolean fresh = inbox.receive(d.origin(), d.seq(), d.payload());
            boolean gap = inbox.next(d.origin()) <= d.seq(); // a later one came, an earlier one did not
            // A copy or a retransmission: the origin missed the acknowledgement (carried or not), tell it now.
            if (!piggyback || gap || !fresh || d.repair()) {
                ack(d.origin(), gap);
            } else if (owes(d.origin()) && !ackDue) {
                ackDue = true; // unless a message of ours carries it first (delivering this may have sent one)
                env.after(timing.tick().dividedBy(4), new AckDue());
            }
            return true;
        }
        if (m instanceof Ack a && a.origin().equals(self)) {
            acknowledged(from, a.upTo(), a.gap());
            return true;
        }
        return m instanceof Ack;
    }

    private void acknowledged(NodeId from, long upTo, boolean gap) {
        long has = Math.min(upTo, history.lastSeq());
        if (acked.merge(from, has, Math::max) == has) trim();
        if (gap && !Long.valueOf(upTo).equals(lastGapRepair.put(from, upTo))) {
            resend(from, history.after(self, upTo, Long.MAX_VALUE, 1)); // the one it says is missing
        }
    }

    private void ack(String origin, boolean gap) {
        long upTo = inbox.delivered(origin);
        told.put(origin, upTo);
        env.send(NodeId.of(origin), new Ack(origin, upTo, gap));
        feedback.sent(1, true);
    }

    /** Whether {@code origin} has not yet been told of everything delivered from it. */
    private boolean owes(String origin) {
        return inbox.delivered(origin) > told.getOrDefault(origin, 0L);
    }

    /** The acknowledgement a message to {@code to} carries (0: none); counted as feedback when it tells anything new. */
    private long carried(NodeId to) {
        if (!piggyback) return 0;
        if (owes(to.value())) {
            told.put(to.value(), inbox.delivered(to.value()));
            feedback.sent(1, true);
        }
        return inbox.delivered(to.value());
    }

    @Override
    public boolean onTimer(Object timer) {
        if (timer instanceof AckDue) {
            ackDue = false;
            for (NodeId r : receivers) {
                if (owes(r.value())) ack(r.value(), false);
            }
            return true;
        }
        if (!(timer instanceof Tick)) return false;
        long before = env.nanoTime() - timing.tick().toNanos();
        for (NodeId r : receivers) {
            resend(r, history.after(self, acked.getOrDefault(r, 0L), before, RESEND_WINDOW));
        }
        lastGapRepair.clear();
        env.after(timing.tick(), new Tick());
        return true;
    }

    @Override
    public FeedbackCount feedback() {
        return feedback;
    }

    /** Messages this member still keeps because a receiver has not acknowledged them. */
    public int unacknowledged() {
        return history.size();
    }

    private void resend(NodeId to, Map<Long, String> messages) {
        messages.forEach((seq, payload) -> env.send(to, new Data(self, seq, payload, true, carried(to))));
    }

    /** Everyone has acknowledged up to the smallest of their acknowledgements: that prefix leaves the buffer. */
    private void trim() {
        long stable = Long.MAX_VALUE;
        for (NodeId r : receivers) stable = Math.min(stable, acked.getOrDefault(r, 0L));
        if (receivers.isEmpty()) stable = history.lastSeq();
        if (stable > 0) history.removeUpTo(self, stable);
    }
}
