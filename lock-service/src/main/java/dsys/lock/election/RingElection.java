package dsys.lock.election;

import dsys.core.env.Env;
import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.election.RingMessages.Ack;
import dsys.lock.election.RingMessages.Coordinator;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The ring election (notes §7.2): ELECTION travels the ring, each live node adds itself; when it comes back to a
 * node already on the list (the initiator, or the first node after a crashed initiator) the circle is complete
 * and that node names the highest listed id leader, in a COORDINATOR message that travels the ring once more.
 * Every hop is acked: no ack within {@code ackTimeout} after {@code attempts} tries means the successor is down,
 * and the message goes to the next one. Elections are told apart by id, so duplicates are acked and dropped, and
 * concurrent initiators just cost more messages (notes: "只是占用带宽增加").
 */
public final class RingElection extends AbstractElection {

    private record AckTimeout(long hop) {
    }

    private record RoundTimeout(long id) {
    }

    private record Pending(Message message, NodeId target, int attempt, TimerId timer) {
    }

    private static final int REMEMBERED = 256;

    private Duration ackTimeout = Duration.ofMillis(100);
    private int attempts = 2;
    private String round;            // non-null while this node's own election is unfinished
    private long ownId;
    private long ownCoordinator;     // the coordinator this node sent round the ring, until it comes back
    private long ownEpoch;           // the epoch that coordinator carries
    private long epochAtStart;
    private TimerId roundTimer;
    private final Map<Long, Pending> unacked = new HashMap<>();
    private final Set<Long> seen = bounded();
    private final Set<Long> completed = bounded();

    /**
     * {@code onElected} runs whenever this node adopts a leadership: a new one, or the current one confirmed after
     * it was suspected (so it may see the same leadership twice).
     */
    public RingElection(Env env, Consumer<Leadership> onElected) {
        super(env, "ring", onElected);
    }

    /** How long to wait for a hop's ack, and how many tries before the successor is skipped as down. */
    public RingElection timeouts(Duration ack, int tries) {
        this.ackTimeout = ack;
        this.attempts = Math.max(1, tries);
        return this;
    }

    @Override
    protected void begin(String r) {
        round = r;
        ownId = env.random().nextLong();
        ownCoordinator = 0;
        epochAtStart = epoch();
        seen.add(ownId);
        env.emit("election.start", fields("round", r));
        // Twice round the ring, every hop timing out on a dead node: past that, the message was lost on the way.
        int n = env.members().size();
        roundTimer = env.after(ackTimeout.multipliedBy(2L * n * attempts + 2), new RoundTimeout(ownId));
        forward(new RingMessages.Election(r, ownId, 0, self, List.of(self), maxEpoch()));
    }

    @Override
    protected String runningRound() {
        return round;
    }

    @Override
    protected void stopElection() {
        // Someone else's result does not end this node's own election while its message is still on the ring; but
        // once this node has decided, a newer epoch means its coordinator will be dropped as stale somewhere.
        if (round != null && ownCoordinator != 0 && epoch() > ownEpoch) finish("superseded");
    }

    @Override
    protected boolean handlesOwn(Message m) {
        return m instanceof RingMessages.Election || m instanceof Coordinator || m instanceof Ack;
    }

    @Override
    protected void onOwnMessage(NodeId from, Message m) {
        if (m instanceof Ack a) {
            Pending p = unacked.remove(a.hop());
            if (p != null) env.cancel(p.timer());
        } else if (m instanceof RingMessages.Election e) {
            send(from, new Ack(e.round(), e.hop()), e.round());
            onElection(e);
        } else if (m instanceof Coordinator c) {
            send(from, new Ack(c.round(), c.hop()), c.round());
            onCoordinator(from, c);
        }
    }

    private void onElection(RingMessages.Election e) {
        learn(e.maxEpoch());
        if (e.candidates().contains(self)) {
            if (completed.add(e.id())) decide(e);
        } else if (seen.add(e.id())) {
            forward(e.adding(self, maxEpoch()));
        }
    }

    /**
     * The list has gone all the way round: the highest listed id leads. When that is the leader this node already
     * follows (unsuspected) and no node on the ring has seen a newer epoch, the circle only confirms it and the
     * epoch stays, as with bully's re-announcement; this also keeps a late message from an old election from
     * changing the epoch after things settled.
     */
    private void decide(RingMessages.Election e) {
        NodeId leader = Rank.highest(e.candidates());
        boolean confirms = leader().equals(Optional.of(leader)) && e.maxEpoch() <= epoch();
        long epoch = confirms ? epoch() : declareEpoch();
        env.emit(confirms ? "election.confirmed" : "election.elected", fields("leader", leader.value(), "epoch", epoch, "round", e.round(),
                "candidates", e.candidates().stream().map(NodeId::value).toList()));
        long id = env.random().nextLong();
        seen.add(id);
        if (e.id() == ownId && round != null) {
            ownCoordinator = id;
            ownEpoch = epoch;
        }
        adopt(leader, epoch, e.round());
        forward(new Coordinator(e.round(), id, 0, self, leader, epoch));
    }

    private void onCoordinator(NodeId from, Coordinator c) {
        if (!seen.add(c.id())) {
            if (c.id() == ownCoordinator && round != null) finish("circled");
            return;
        }
        if (claim(c.origin(), c.leader(), c.epoch(), c.round(), true) != Claim.STALE
                && !Rank.outranks(self, c.leader())) {
            forward(c);
        }
    }

    private void finish(String why) {
        env.emit("election.done", fields("round", round, "how", why));
        round = null;
        if (roundTimer != null) env.cancel(roundTimer);
        roundTimer = null;
    }

    @Override
    protected boolean handlesOwnTimer(Object t) {
        return t instanceof AckTimeout || t instanceof RoundTimeout;
    }

    @Override
    protected void onOwnTimer(Object t) {
        if (t instanceof AckTimeout a) {
            Pending p = unacked.remove(a.hop());
            if (p == null) return;
            if (p.attempt() < attempts) {
                sendHop(p.message(), p.target(), p.attempt() + 1);
            } else {
                env.emit("election.skip", fields("down", p.target().value(), "type", p.message().type()));
                sendHop(p.message(), env.members().successor(p.target()), 1);
            }
        } else if (t instanceof RoundTimeout r && r.id() == ownId && round != null) {
            // Lost on the way (a node died holding it): done if some leadership came meanwhile, else try again.
            String again = round;
            env.emit("election.timeout", fields("round", again, "waited", "ring"));
            finish("timeout");
            if (epoch() == epochAtStart || leader().isEmpty()) startWith(again);
        }
    }

    private void forward(Message m) {
        sendHop(m, env.members().successor(self), 1);
    }

    private void sendHop(Message m, NodeId target, int attempt) {
        if (target.equals(self)) { // everyone else skipped: the message has come round to this node
            if (m instanceof RingMessages.Election e) onElection(e);
            else if (m instanceof Coordinator c && c.id() == ownCoordinator && round != null) finish("alone");
            return;
        }
        long hop = env.random().nextLong();
        Message copy = m instanceof RingMessages.Election e ? e.withHop(hop) : ((Coordinator) m).withHop(hop);
        TimerId timer = env.after(ackTimeout, new AckTimeout(hop));
        unacked.put(hop, new Pending(copy, target, attempt, timer));
        send(target, copy, roundOf(copy));
    }

    private static String roundOf(Message m) {
        return m instanceof RingMessages.Election e ? e.round() : ((Coordinator) m).round();
    }

    private static Set<Long> bounded() {
        return Collections.newSetFromMap(new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
                return size() > REMEMBERED;
            }
        });
    }
}
