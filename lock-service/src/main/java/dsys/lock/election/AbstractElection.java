package dsys.lock.election;

import dsys.core.env.Env;
import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What bully and ring share: the durable epoch counter, leader adoption, the optional heartbeat failure detector,
 * message counting and events. Subclasses run the algorithm proper.
 *
 * <p>Epochs. A node that declares a leader takes the smallest epoch above every epoch it has seen that is
 * congruent to its own position in the membership (mod n), and writes it to storage before announcing it. So two
 * nodes never pick the same epoch, and a restarted node never reuses one: at most one leader per epoch holds by
 * construction, under any partition, not just after the network heals.
 */
public abstract class AbstractElection implements Election {

    /** What a leadership claim did to this node's view. */
    protected enum Claim { ADOPTED, CURRENT, STALE, OUTRANKED }

    private record Tick(String algorithm) {
    }

    protected final Env env;
    protected final NodeId self;
    private final String algorithm;
    private final Consumer<Leadership> onElected;
    private final String epochKey;
    private final String leadershipKey;
    private final Tally tally = new Tally();
    private long maxEpoch;
    private Leadership current;
    private boolean suspected;
    private long lastHeard;
    private Duration heartbeatInterval;
    private Duration heartbeatTimeout;
    private TimerId tick;
    private long elections;

    protected AbstractElection(Env env, String algorithm, Consumer<Leadership> onElected) {
        this.env = env;
        this.self = env.self();
        this.algorithm = algorithm;
        this.onElected = onElected == null ? l -> { } : onElected;
        this.epochKey = "election." + algorithm + ".max-epoch";
        this.leadershipKey = "election." + algorithm + ".leadership";
        this.maxEpoch = env.storage().get(epochKey).map(Long::parseLong).orElse(0L);
        // The leadership adopted before a crash: kept so that adopted epochs never go back, but suspected until an
        // election or an announcement confirms it (the old leader may be gone, or it may be this node).
        this.current = env.storage().get(leadershipKey).map(AbstractElection::parse).orElse(null);
        this.suspected = current != null;
        this.lastHeard = env.nanoTime();
    }

    private static Leadership parse(String s) {
        int at = s.lastIndexOf('@');
        return new Leadership(NodeId.of(s.substring(0, at)), Long.parseLong(s.substring(at + 1)));
    }

    public final String algorithm() {
        return algorithm;
    }

    // ------------------------------------------------------------------ Election

    @Override
    public final void start() {
        startRound();
    }

    /** Starts an election unless one is running; returns the round now running (counts are kept per round). */
    public final String startRound() {
        return startWith(null);
    }

    /** Starts an election in {@code round} (a new one when null) unless one is running; returns the running round. */
    protected final String startWith(String round) {
        String running = runningRound();
        if (running != null) return running;
        String r = round != null ? round : self + ":" + Long.toHexString(env.random().nextLong() >>> 16);
        begin(r);
        return r;
    }

    /** True while this node's part of an election is unfinished. */
    public final boolean inProgress() {
        return runningRound() != null;
    }

    @Override
    public final Optional<NodeId> leader() {
        return current == null || suspected ? Optional.empty() : Optional.of(current.leader());
    }

    @Override
    public final long epoch() {
        return current == null ? 0 : current.epoch();
    }

    /** The highest epoch this node has seen (durable). */
    public final long maxEpoch() {
        return maxEpoch;
    }

    @Override
    public void suspectLeader() {
        if (current == null || suspected || current.leader().equals(self)) {
            if (current == null && !inProgress()) start();
            return;
        }
        suspected = true;
        env.emit("election.suspect", fields("leader", current.leader().value(), "epoch", current.epoch()));
        start();
    }

    @Override
    public final boolean handles(Message m) {
        return m instanceof Heartbeat h ? h.algorithm().equals(algorithm) : handlesOwn(m);
    }

    @Override
    public final void onMessage(NodeId from, Message m) {
        if (m instanceof Heartbeat h) claim(from, h.leader(), h.epoch(), null, false);
        else onOwnMessage(from, m);
    }

    @Override
    public final boolean handlesTimer(Object timer) {
        return timer instanceof Tick t ? t.algorithm().equals(algorithm) : handlesOwnTimer(timer);
    }

    @Override
    public final void onTimer(Object timer) {
        if (timer instanceof Tick) onTick();
        else onOwnTimer(timer);
    }

    /**
     * Failure detection: the leader sends a heartbeat every {@code interval}; a node that hears nothing from its
     * leader for {@code timeout} suspects it, and a node without a leader starts an election. Heartbeats also
     * repair lost coordinator messages and tell nodes that were partitioned away who leads now.
     */
    public final void monitorLeader(Duration interval, Duration timeout) {
        if (tick != null) env.cancel(tick);
        heartbeatInterval = interval;
        heartbeatTimeout = timeout;
        lastHeard = env.nanoTime();
        tick = env.after(interval, new Tick(algorithm));
    }

    /** Messages this node sent for one election round, by type. */
    public final Map<String, Long> messagesInRound(String round) {
        return tally.round(round);
    }

    /** Messages this node sent since it started, by type (heartbeats included). */
    public final Map<String, Long> messagesSent() {
        return tally.total();
    }

    /** Leaderships this node declared (won or, in the ring, decided). */
    public final long elections() {
        return elections;
    }

    // ------------------------------------------------------------------ for subclasses

    protected abstract void begin(String round);

    protected abstract String runningRound();

    /** A leadership was adopted: stop whatever election this node was running. */
    protected abstract void stopElection();

    protected abstract boolean handlesOwn(Message m);

    protected abstract void onOwnMessage(NodeId from, Message m);

    protected abstract boolean handlesOwnTimer(Object timer);

    protected abstract void onOwnTimer(Object timer);

    protected final Leadership current() {
        return current;
    }

    protected final boolean leading() {
        return current != null && !suspected && current.leader().equals(self);
    }

    protected final void send(NodeId to, Message m, String round) {
        tally.count(round, m.type());
        if (!(m instanceof Heartbeat)) {
            env.emit("election.message", fields("type", m.type(), "to", to.value(), "round", round));
        }
        env.send(to, m);
    }

    protected final void learn(long epoch) {
        if (epoch > maxEpoch) {
            maxEpoch = epoch;
            env.storage().put(epochKey, Long.toString(epoch));
        }
    }

    /** The next epoch this node may declare: above all it has seen, ≡ its membership position (mod n), durable. */
    protected final long declareEpoch() {
        int n = env.members().size();
        int position = env.members().nodes().indexOf(self);
        long e = maxEpoch + 1;
        e += Math.floorMod(position - e, n);
        learn(e);
        elections++;
        return e;
    }

    /**
     * Someone says {@code leader} leads in {@code epoch}. Newer epochs are adopted, unless this node outranks the
     * named leader (then the election missed it: it starts its own). An older epoch is stale; when the stale claim
     * comes from the claimed leader itself, it is told the current leadership so that it steps down or bullies.
     * An {@code announcement} (a coordinator message) of the current leadership ends a running election: the
     * leader answered and is alive.
     */
    protected final Claim claim(NodeId from, NodeId leader, long epoch, String round, boolean announcement) {
        learn(epoch);
        if (current != null && epoch == current.epoch() && leader.equals(current.leader())) {
            if (announcement && (suspected || inProgress())) adopt(leader, epoch, round);
            else if (!suspected) lastHeard = env.nanoTime();
            return Claim.CURRENT;
        }
        if (current != null && epoch <= current.epoch()) {
            if (from.equals(leader) && !from.equals(self) && !suspected) {
                send(from, new Heartbeat(algorithm, current.leader(), current.epoch()), null);
            }
            return Claim.STALE;
        }
        if (Rank.outranks(self, leader)) {
            env.emit("election.outranked", fields("leader", leader.value(), "epoch", epoch));
            startWith(round);
            return Claim.OUTRANKED;
        }
        adopt(leader, epoch, round);
        return Claim.ADOPTED;
    }

    /** Takes {@code leader} for {@code epoch} (the winner calls this for itself after {@link #declareEpoch}). */
    protected final void adopt(NodeId leader, long epoch, String round) {
        learn(epoch);
        current = new Leadership(leader, epoch);
        env.storage().put(leadershipKey, leader.value() + "@" + epoch);
        suspected = false;
        lastHeard = env.nanoTime();
        stopElection();
        env.emit("election.leader", fields("leader", leader.value(), "epoch", epoch, "round", round));
        onElected.accept(current);
    }

    protected final Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("algorithm", algorithm);
        for (int i = 0; i + 1 < kv.length; i += 2) if (kv[i + 1] != null) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    // ------------------------------------------------------------------ failure detector

    private void onTick() {
        tick = env.after(heartbeatInterval, new Tick(algorithm));
        if (leading()) {
            for (NodeId n : env.members().others(self)) send(n, new Heartbeat(algorithm, self, current.epoch()), null);
            return;
        }
        if (env.nanoTime() - lastHeard < heartbeatTimeout.toNanos()) return;
        lastHeard = env.nanoTime(); // one suspicion per timeout, not one per tick
        if (current != null && !suspected) suspectLeader();
        else if (!inProgress()) start();
    }
}
