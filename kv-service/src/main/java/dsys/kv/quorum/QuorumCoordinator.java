package dsys.kv.quorum;

import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Coordinates client requests on this node (any node may, replica or not): starts each operation, routes the
 * replicas' answers to it by operation id, drives its retry, backoff and deadline timers, issues ballots and
 * answers the client exactly once.
 */
final class QuorumCoordinator {

    /**
     * A key this node wrote last: its write at {@code chosen} is chosen, and replicas with at least V_r votes
     * promised {@code next} with their accept. Until someone promises higher, nothing but this node's round at
     * {@code next} can be chosen on the key, and what was chosen at {@code chosen} is its newest state.
     */
    record Lease(Ballot chosen, Ballot next) {
    }

    /** Keys this node holds a {@link Lease} on, least recently used first; a bound keeps the map small. */
    static final int MAX_LEASES = 65_536;

    /** A timer of operation {@code op}: RETRY (periodic), BACKOFF (one new round) or DEADLINE. */
    record OpTimer(String op, Kind kind) {
        enum Kind { RETRY, BACKOFF, DEADLINE }
    }

    private final Env env;
    private final KeyspaceConfig config;
    private final QuorumSettings settings;
    private final WeightedVotingQuorum quorum;
    private final Replica local;
    private final QuorumStats stats;
    /** The timer that sends the lock commits that are due ({@link #announce}). */
    enum LockCommitsDue { TICK }

    /** A chosen lock state's ballot, and when its commits are due. */
    private record Announcement(Ballot ballot, long dueNanos) {
    }

    private final Map<String, Operation> ops = new HashMap<>();
    private final Map<String, TimerId> deadlines = new HashMap<>();
    private final Map<String, Lease> leases = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Lease> eldest) {
            return size() > MAX_LEASES;
        }
    };
    private final StorageCodec codec;
    /**
     * Chosen lock states whose commits wait (see {@link #announce}), by key, oldest first: the transaction's release
     * usually overwrites the lock before they are due, and then they never go.
     */
    private final Map<String, Announcement> lockCommits = new java.util.LinkedHashMap<>();
    private boolean lockCommitsArmed;
    /** Replicas that left a request of this node unanswered for a retry interval, until they answer again. */
    private final java.util.Set<NodeId> suspects = new java.util.HashSet<>();
    private int rotation;
    private long lastCounter;
    private long reservedUpTo;
    private long incarnation;
    private long seq;
    private ChosenListener listener = ChosenListener.NONE;

    QuorumCoordinator(Env env, KeyspaceConfig config, QuorumSettings settings, Replica local, QuorumStats stats) {
        this.env = env;
        this.config = config;
        this.settings = settings;
        this.quorum = new WeightedVotingQuorum(config);
        this.local = local;
        this.stats = stats;
        this.codec = new StorageCodec(config.name());
    }

    /**
     * At start and after a crash: ballot counters up to the stored reserve may have been issued before, so
     * continue above it; operation ids carry a durable incarnation number, so a late answer to an operation of
     * an earlier incarnation (or content it wrote) is never taken for one of this incarnation's.
     */
    void init() {
        lockCommits.clear(); // lost with a crash, as any message not sent yet
        lockCommitsArmed = false;
        reservedUpTo = env.storage().get(codec.ballotReserveKey()).map(Long::parseLong).orElse(0L);
        lastCounter = reservedUpTo;
        incarnation = env.storage().get(codec.incarnationKey()).map(Long::parseLong).orElse(0L) + 1;
        env.storage().put(codec.incarnationKey(), Long.toString(incarnation));
    }

    void get(RequestId request, String key, ReadLevel level) {
        if (level == ReadLevel.ONE && local != null) {
            Versioned c = local.state(key).content();
            stats.operation("read-one", Map.of());
            env.reply(request, new KvReplies.Value(key, c.value(), c.version(), level.label(), Map.of()));
            return;
        }
        begin(new QuorumRead(this, nextId(), request, key, deadline(), level));
    }

    void change(RequestId request, String key, Change change) {
        begin(new Proposal(this, nextId(), request, key, deadline(), change));
    }

    /** Anti-entropy: a full round that makes the newest content chosen everywhere. */
    void repair(String key) {
        begin(new Proposal(this, nextId(), null, key, deadline(), Change.repair()));
    }

    private void begin(Operation op) {
        ops.put(op.id, op);
        deadlines.put(op.id, env.after(Duration.ofNanos(op.deadlineNanos - env.nanoTime()),
                new OpTimer(op.id, OpTimer.Kind.DEADLINE)));
        env.after(Duration.ofMillis(settings.retryMs()), new OpTimer(op.id, OpTimer.Kind.RETRY));
        op.start();
    }

    /** A read's write-back met a higher ballot: the same request goes on as {@code next}. */
    void replace(Operation old, Operation next) {
        next.messages.putAll(old.messages);
        ops.put(next.id, next);
        next.start();
    }

    void onReply(NodeId from, String opId, Message m) {
        suspects.remove(from);
        Operation op = ops.get(opId);
        if (op == null) return; // answered already: a late or duplicated reply
        op.awaiting.remove(from);
        op.counted(m);
        op.onReply(from, m);
    }

    void onTimer(OpTimer t) {
        Operation op = ops.get(t.op());
        if (op == null) return;
        switch (t.kind()) {
            case RETRY -> {
                suspects.addAll(op.awaiting);
                op.onRetry();
                // still open, possibly as the round that replaced a read: keep retrying under the same id
                if (ops.containsKey(t.op())) env.after(Duration.ofMillis(settings.retryMs()), t);
            }
            case BACKOFF -> op.onBackoffEnd();
            case DEADLINE -> {
                Object answer = op.timedOut();
                emit("kv.timeout", Map.of("key", op.key, "op", op.id, "label", op.label(),
                        "answer", answer instanceof dsys.core.env.Rejection r ? r.type() : "none"));
                finish(op, answer);
            }
        }
    }

    void finish(Operation op, Object answer) {
        if (ops.remove(op.id) == null) return;
        TimerId d = deadlines.remove(op.id);
        if (d != null) env.cancel(d);
        stats.operation(op.label(), op.messages);
        if (answer instanceof dsys.core.env.Rejection r) stats.count("rejected." + r.type());
        if (op.request != null) env.reply(op.request, answer);
    }

    void armBackoff(Operation op) {
        long ms = 1 + env.random().nextLong(settings.backoffMs());
        env.after(Duration.ofMillis(ms), new OpTimer(op.id, OpTimer.Kind.BACKOFF));
    }

    /**
     * A ballot above {@code above} and above every ballot this node issued: the larger of the clock (ms) and
     * one more than those. Counters are reserved in blocks, durably, so a restarted node starts above them.
     */
    Ballot nextBallot(String key, Ballot above) {
        if (local != null) above = Ballot.max(above, local.state(key).promised());
        long counter = Math.max(env.clock().millis(), Math.max(lastCounter, above.counter()) + 1);
        lastCounter = counter;
        if (counter > reservedUpTo) {
            reservedUpTo = counter + settings.ballotReserve();
            env.storage().put(codec.ballotReserveKey(), Long.toString(reservedUpTo));
        }
        return new Ballot(counter, env.self().value());
    }

    /**
     * The ballot to promise with the accept of {@code ballot} (the next round's phase 1a, CASPaxos's one-round-trip
     * optimisation), or ZERO. Only a node with a replica asks: the fast path reads the state it builds on from
     * the local replica (the coordinator keeps no values).
     */
    Ballot nextPromise(String key, Ballot ballot) {
        return local == null ? Ballot.ZERO : nextBallot(key, ballot);
    }

    void lease(String key, Ballot chosen, Ballot next) {
        leases.put(key, new Lease(chosen, next));
    }

    /**
     * The newest state of {@code key} with a ballot to write over it in phase 2 alone, if this node holds a lease
     * on the key that still stands: its own replica accepted the leased write and has promised nothing higher
     * (if anyone had prepared higher since, a write quorum would refuse the accept anyway; this only avoids
     * trying). The lease is used up either way: one ballot, one round.
     */
    Lease takeLease(String key) {
        Lease l = leases.remove(key);
        if (l == null || local == null) return null;
        AcceptorState s = local.state(key);
        return s.accepted().equals(l.chosen()) && s.promised().equals(l.next()) ? l : null;
    }

    AcceptorState localState(String key) {
        return local.state(key);
    }

    void send(Operation op, NodeId to, Message m) {
        op.awaiting.add(to);
        op.counted(m);
        stats.sent(m.type());
        env.send(to, m);
    }

    /**
     * Phase 2a to every replica: the first to answer make the quorum. (Accepts to just a quorum, the coordinator's own
     * replica first and then a rotating other, were measured: they waited for that one replica instead of the faster
     * two of three, and moved fewer transfers per second at 64 clients; kv-service README, "Thrifty accepts, tried
     * and not adopted".)
     */
    void sendAccepts(Operation op, QuorumMessages.Accept a) {
        lockCommits.remove(a.key()); // this round overwrites the lock state whose commit was waiting
        sendToReplicas(op, a);
    }

    /**
     * Tells every replica that the content accepted at {@code ballot} is chosen. A lock's commit waits up to
     * {@link QuorumSettings#lockCommitDelayMs()}: its transaction's release, a new round on the key from this node,
     * comes a few milliseconds later and makes it moot (a commit only spares a reader the write-back of what a quorum
     * holds, and a locked key refuses readers anyway), so a transaction's lock round usually sends no commits.
     */
    void announce(Operation op, Ballot ballot, Versioned content) {
        if (content.lock() != null && settings.lockCommitDelayMs() > 0) {
            lockCommits.remove(op.key);
            lockCommits.put(op.key, new Announcement(ballot, env.nanoTime() + settings.lockCommitDelayMs() * 1_000_000L));
            if (!lockCommitsArmed) {
                lockCommitsArmed = true;
                env.after(Duration.ofMillis(settings.lockCommitDelayMs()), LockCommitsDue.TICK);
            }
            return;
        }
        announceNow(op, op.key, ballot);
    }

    /** A commit to every replica; {@code op} null: a delayed lock commit, whose operation has finished. */
    private void announceNow(Operation op, String key, Ballot ballot) {
        Message m = new QuorumMessages.Commit(key, ballot);
        if (op != null) {
            sendToReplicas(op, m);
            return;
        }
        for (NodeId r : config.replicas()) {
            stats.sent(m.type());
            env.send(r, m);
        }
    }

    /** The lock commits that are due go; the timer is armed again for the next one. */
    void onLockCommitsDue() {
        lockCommitsArmed = false;
        long now = env.nanoTime();
        var it = lockCommits.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (e.getValue().dueNanos() > now) {
                lockCommitsArmed = true;
                env.after(Duration.ofNanos(e.getValue().dueNanos() - now), LockCommitsDue.TICK);
                return;
            }
            it.remove();
            announceNow(null, e.getKey(), e.getValue().ballot());
        }
    }

    void sendToReplicas(Operation op, Message m) {
        for (NodeId r : config.replicas()) send(op, r, m);
    }

    /**
     * Sends {@code m} to just enough replicas for {@code votes} (a thrifty quorum, for requests that change
     * nothing a later round relies on: reads and prepares): this node's own replica first (no network), then the
     * others, those not suspected first, from a rotating start so the load spreads. The operation's retry tick
     * asks every replica that has not answered; one that left a tick unanswered is suspected until it answers
     * anything, so a dead replica costs one retry interval, not one per request.
     */
    void sendToQuorum(Operation op, Message m, int votes) {
        List<NodeId> all = config.replicas();
        List<NodeId> order = new java.util.ArrayList<>(all.size());
        if (all.contains(env.self())) order.add(env.self());
        int start = Math.floorMod(rotation++, all.size());
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < all.size(); i++) {
                NodeId r = all.get((start + i) % all.size());
                if (!r.equals(env.self()) && suspects.contains(r) == (pass == 1)) order.add(r);
            }
        }
        int asked = 0;
        for (NodeId r : order) {
            if (asked >= votes) break;
            send(op, r, m);
            asked += config.votesOf(r);
        }
    }

    void gathered(Operation op, String phase, Ballot ballot, int votes, int needed) {
        emit("kv.gather", Map.of("key", op.key, "op", op.id, "phase", phase, "ballot", ballot.toString(),
                "votes", votes, "needed", needed));
    }

    void listener(ChosenListener l) {
        listener = l;
    }

    /** A write quorum accepted {@code content} for {@code key}: watchers here learn it before the commits land. */
    void chosen(String key, Versioned content) {
        listener.chosen(key, content);
    }

    void count(String name, long n) {
        stats.add(name, n);
    }

    void crashPoint(String name) {
        env.crashPoint(name);
    }

    void emit(String kind, Map<String, Object> fields) {
        env.emit(kind, fields);
    }

    boolean busyWith(String key) {
        return ops.values().stream().anyMatch(o -> o.key.equals(key) && o.request == null);
    }

    private long deadline() {
        return env.nanoTime() + settings.deadlineMs() * 1_000_000L;
    }

    private String nextId() {
        return env.self().value() + ":" + incarnation + ":" + (++seq);
    }

    List<NodeId> replicas() {
        return config.replicas();
    }

    KeyspaceConfig config() {
        return config;
    }

    QuorumSettings settings() {
        return settings;
    }

    WeightedVotingQuorum quorum() {
        return quorum;
    }

    QuorumStats stats() {
        return stats;
    }
}
