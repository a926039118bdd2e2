package dsys.kv.chain;

import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.kv.chain.ChainMessages.Accept;
import dsys.kv.chain.ChainMessages.Accepted;
import dsys.kv.chain.ChainMessages.Decide;
import dsys.kv.chain.ChainMessages.Nack;
import dsys.kv.chain.ChainMessages.Prepare;
import dsys.kv.chain.ChainMessages.Promise;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyspaceConfig;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Agreement on the chain's next view without an outside master: single-decree Paxos per epoch among the keyspace's
 * replicas (a majority promises, a majority accepts), with the acceptor's state on disk.
 *
 * <p>Why a promise seals: a replica that promised epoch e+1 stops serving view e (no writes pass it, it takes no
 * updates, answers no reads, grants no leases), so once a majority promised, nothing more is acknowledged in e by
 * chains through those replicas. The proposer makes the new chain of exactly the old members that promised, in their
 * old order — each holds every write acknowledged so far (an acknowledged write is at every member) — and adds at the
 * tail at most one rejoining node that copied the old tail's state in epoch e, and only if that tail promised too
 * (it will bring the copy up to date). A value some acceptor accepted for the epoch is proposed again instead
 * (Paxos), so two proposers never decide two different chains for one epoch.
 *
 * <p>Why the proposer may wait: a read lease lets the tail answer reads alone. Each promise reports the lease its
 * sender granted that may still run; unless that lease's tail is among the promisers (then it has stopped serving),
 * the proposer sends its accepts only after the lease has certainly run out, stretched by the clocks' drift bound.
 * Every lease needs grants from a majority and every decision promises from one, so some promiser reports every
 * lease that could still be running: two views with different tails never serve reads at the same time.
 */
final class ViewAgreement {

    private enum Phase { PREPARE, ACCEPT }

    private record Received(Promise promise, long at) {
    }

    private static final class Proposal {
        final long epoch;
        final Ballot ballot;
        final long started;
        final Map<String, Received> promises = new HashMap<>();
        final Set<String> accepts = new HashSet<>();
        Phase phase = Phase.PREPARE;
        String preferred;
        boolean acceptSent;
        long majorityAt = -1;
        long waitUntil;
        View value;

        Proposal(long epoch, Ballot ballot, long started) {
            this.epoch = epoch;
            this.ballot = ballot;
            this.started = started;
        }
    }

    private final Env env;
    private final KeyspaceConfig config;
    private final Shape shape;
    private final java.util.function.LongSupplier lastSeq;
    private final ChainTimings timings;
    private final String self;
    private final String key;
    private final BiConsumer<String, Message> send;
    private final Consumer<View> adopted;
    private View decided;
    private long promisedEpoch;
    private Ballot promisedBallot = Ballot.ZERO;
    private long acceptedEpoch = -1;
    private Ballot acceptedBallot = Ballot.ZERO;
    private View acceptedView;
    private long guardEpoch = -1;
    private String guardTail = "";
    private long guardUntil;
    private long startGuardUntil;
    private long sealedSince;
    private long quietUntil;
    private long maxSeenCounter;
    private Proposal proposal;
    private Predicate<String> suspected;
    /** The epoch in which this node finished copying the tail's state (-1: none); set by {@link RejoinCopy}. */
    private long copyEpoch = -1;
    /** Local write: the node the next view should make primary, if it holds as much as any promiser (null: none). */
    private String preferred;

    ViewAgreement(Env env, KeyspaceConfig config, Shape shape, java.util.function.LongSupplier lastSeq,
                  ChainTimings timings, BiConsumer<String, Message> send, Consumer<View> adopted) {
        this.env = env;
        this.config = config;
        this.shape = shape;
        this.lastSeq = lastSeq;
        this.timings = timings;
        this.self = env.self().value();
        this.key = ChainReplica.prefix(config.name());
        this.send = send;
        this.adopted = adopted;
    }

    /**
     * From disk: the decided view (epoch 0, every replica, when none) and the acceptor's promise and accept. A lease
     * granted before a crash is unknown now, so for a lease's length after (re)start this node reports one that may
     * run, to a tail it cannot name.
     */
    void load() {
        decided = env.storage().get(key + "view").map(View::parse)
                .orElseGet(() -> new View(0, config.replicas().stream().map(n -> n.value()).toList()));
        String[] p = env.storage().get(key + "paxos").map(s -> s.split("\\|", -1)).orElse(null);
        if (p != null) {
            promisedEpoch = Long.parseLong(p[0]);
            promisedBallot = Ballot.parse(p[1]);
            acceptedEpoch = Long.parseLong(p[2]);
            acceptedBallot = Ballot.parse(p[3]);
            acceptedView = p[4].isEmpty() ? null : View.parse(p[4]);
        }
        promisedEpoch = Math.max(promisedEpoch, decided.epoch());
        maxSeenCounter = promisedBallot.counter();
        startGuardUntil = env.nanoTime() + timings.guardNanos();
        sealedSince = env.nanoTime();
        proposal = null;
    }

    View view() {
        return decided;
    }

    /** Promised a later epoch than the decided one: this node serves no view until it learns the next. */
    boolean sealed() {
        return promisedEpoch > decided.epoch();
    }

    /** Local write: propose a view with {@code node} as primary (taken by the next proposal this node starts). */
    void move(String node) {
        preferred = node;
    }

    /** A move to some node is wanted and not yet proposed. */
    boolean moving() {
        return preferred != null;
    }

    void copyEpoch(long epoch) {
        copyEpoch = epoch;
    }

    long copyEpoch() {
        return copyEpoch;
    }

    /** A decided view from a Decide or a heartbeat: adopted if newer. */
    void learn(View v) {
        if (v.epoch() <= decided.epoch()) return;
        decided = v;
        env.storage().put(key + "view", v.toString());
        if (proposal != null && proposal.epoch <= v.epoch()) proposal = null;
        env.emit("kv.chain.view", Map.of("epoch", v.epoch(), "chain", v.chain()));
        adopted.accept(v);
    }

    // ------------------------------------------------------------------ lease grants (the grantor's side)

    /** The tail of {@code epoch} asks for a lease: granted unless this node promised or knows a later epoch. */
    boolean grant(String tail, long epoch) {
        if (promisedEpoch > epoch || decided.epoch() > epoch || epoch < guardEpoch) return false;
        guardEpoch = epoch;
        guardTail = tail;
        guardUntil = env.nanoTime() + timings.guardNanos();
        return true;
    }

    // ------------------------------------------------------------------ acceptor

    void onPrepare(String from, Prepare p) {
        if (p.epoch() <= decided.epoch()) {
            send.accept(from, new Nack(p.epoch(), p.ballot(), Ballot.ZERO, decided));
            return;
        }
        seen(p.ballot());
        int c = compare(p.epoch(), p.ballot(), promisedEpoch, promisedBallot);
        if (c < 0) {
            send.accept(from, new Nack(p.epoch(), p.ballot(), promisedBallot, decided));
            return;
        }
        if (c > 0) promise(p.epoch(), p.ballot());
        send.accept(from, promiseMessage(p.epoch(), p.ballot()));
    }

    void onAccept(String from, Accept a) {
        if (a.epoch() <= decided.epoch()) {
            send.accept(from, new Nack(a.epoch(), a.ballot(), Ballot.ZERO, decided));
            return;
        }
        seen(a.ballot());
        if (compare(a.epoch(), a.ballot(), promisedEpoch, promisedBallot) < 0) {
            send.accept(from, new Nack(a.epoch(), a.ballot(), promisedBallot, decided));
            return;
        }
        if (!sealed()) sealedSince = env.nanoTime();
        promisedEpoch = a.epoch();
        promisedBallot = a.ballot();
        acceptedEpoch = a.epoch();
        acceptedBallot = a.ballot();
        acceptedView = a.view();
        persist();
        send.accept(from, new Accepted(a.epoch(), a.ballot()));
    }

    private void promise(long epoch, Ballot ballot) {
        if (!sealed()) sealedSince = env.nanoTime();
        promisedEpoch = epoch;
        promisedBallot = ballot;
        persist();
        env.emit("kv.chain.promise", Map.of("epoch", epoch, "ballot", ballot.toString()));
    }

    private Promise promiseMessage(long epoch, Ballot ballot) {
        long now = env.nanoTime();
        boolean startGuard = startGuardUntil - guardUntil > 0;
        long until = startGuard ? startGuardUntil : guardUntil;
        long left = Math.max(0, until - now);
        boolean mine = acceptedEpoch == epoch && acceptedView != null;
        return new Promise(epoch, ballot, mine ? acceptedBallot : Ballot.ZERO, mine ? acceptedView : null,
                startGuard ? -1 : guardEpoch, startGuard ? "?" : guardTail, left, copyEpoch, lastSeq.getAsLong());
    }

    private void persist() {
        env.storage().put(key + "paxos", promisedEpoch + "|" + promisedBallot + "|" + acceptedEpoch + "|"
                + acceptedBallot + "|" + (acceptedView == null ? "" : acceptedView.toString()));
    }

    // ------------------------------------------------------------------ proposer

    /**
     * Each tick: {@code wanted} — this node should change the view now (it is the first live member and suspects a
     * member or has a rejoining node to add). A node sealed for long without a decision proposes too, whoever it
     * is, so a proposer that died half-way does not leave the chain sealed.
     */
    void tick(boolean wanted, Predicate<String> suspected) {
        this.suspected = suspected;
        long now = env.nanoTime();
        if (proposal != null && now - proposal.started > timings.ms(timings.proposeTimeoutMs())) {
            env.emit("kv.chain.proposal.abandoned", Map.of("epoch", proposal.epoch, "ballot", proposal.ballot.toString()));
            proposal = null;
            backOff();
        }
        boolean stuck = sealed() && now - sealedSince > timings.ms(timings.proposeTimeoutMs());
        if (proposal == null && (wanted || stuck) && now - quietUntil >= 0) start();
        if (proposal != null) drive(suspected, true);
    }

    private void start() {
        long epoch = decided.epoch() + 1;
        long counter = Math.max(env.clock().millis(), maxSeenCounter + 1);
        Ballot b = new Ballot(counter, self);
        maxSeenCounter = counter;
        // this node's own acceptor first: its promise on disk keeps a restarted proposer from reusing the ballot
        if (compare(epoch, b, promisedEpoch, promisedBallot) <= 0) {
            backOff();
            return;
        }
        promise(epoch, b);
        proposal = new Proposal(epoch, b, env.nanoTime());
        proposal.preferred = preferred;
        preferred = null;
        proposal.promises.put(self, new Received(promiseMessage(epoch, b), env.nanoTime()));
        env.emit("kv.chain.propose", Map.of("epoch", epoch, "ballot", b.toString(), "from", decided.toString()));
        for (String r : replicas()) if (!r.equals(self)) send.accept(r, new Prepare(epoch, b));
    }

    /** Moves the proposal on; {@code resend} (on ticks): asks again those that have not answered. */
    private void drive(Predicate<String> suspected, boolean resend) {
        Proposal p = proposal;
        long now = env.nanoTime();
        if (p.phase == Phase.PREPARE) {
            if (p.promises.size() >= majority() && p.majorityAt < 0) p.majorityAt = now;
            boolean everyone = replicas().stream().allMatch(r -> p.promises.containsKey(r) || suspected.test(r));
            if (p.majorityAt >= 0 && (everyone || now - p.majorityAt >= timings.ms(timings.collectMs()))) {
                p.value = value(p);
                if (p.value == null) {
                    env.emit("kv.chain.proposal.abandoned", Map.of("epoch", p.epoch, "why", "no member of " + decided + " promised"));
                    proposal = null;
                    backOff();
                    return;
                }
                p.waitUntil = leaseWait(p, now);
                p.phase = Phase.ACCEPT;
            } else {
                if (resend) for (String r : replicas()) if (!p.promises.containsKey(r)) send.accept(r, new Prepare(p.epoch, p.ballot));
                return;
            }
        }
        if (now - p.waitUntil < 0) return;
        boolean first = p.accepts.isEmpty() && !p.acceptSent;
        if (!first && !resend) return;
        p.acceptSent = true;
        if (p.accepts.isEmpty()) {
            onAccept(self, new Accept(p.epoch, p.ballot, p.value)); // this node's acceptor answers through send to self
            if (proposal != p) return;
        }
        for (String r : replicas()) if (!p.accepts.contains(r) && !r.equals(self)) send.accept(r, new Accept(p.epoch, p.ballot, p.value));
    }

    /** The chain to propose: a value accepted before in this epoch, else the old members that promised (+ a joiner). */
    private View value(Proposal p) {
        Received adopted = null;
        for (Received r : p.promises.values()) {
            if (r.promise().accepted() != null && (adopted == null
                    || r.promise().acceptedBallot().isAfter(adopted.promise().acceptedBallot()))) adopted = r;
        }
        if (adopted != null) return new View(p.epoch, adopted.promise().accepted().chain());
        List<String> chain = new ArrayList<>();
        for (String m : decided.chain()) if (p.promises.containsKey(m)) chain.add(m);
        if (chain.isEmpty()) return null;
        if (shape == Shape.STAR) primaryFirst(p, chain);
        if (p.promises.containsKey(shape.reader(decided))) {
            for (String r : replicas()) {
                Received j = p.promises.get(r);
                if (j != null && !decided.has(r) && j.promise().copyEpoch() == decided.epoch()) {
                    chain.add(r);
                    break;
                }
            }
        }
        return new View(p.epoch, chain);
    }

    /**
     * Primary-backup: each backup holds a prefix of the primary's sequence (it takes updates in order), so the promiser
     * with the highest {@code lastSeq} holds everything any other promiser holds and becomes the primary — a backup
     * that took writes the new primary lacks would otherwise keep them. A move's target is taken if it holds as much.
     */
    private void primaryFirst(Proposal p, List<String> chain) {
        long max = chain.stream().mapToLong(m -> p.promises.get(m).promise().lastSeq()).max().orElse(0);
        String first = p.preferred != null && chain.contains(p.preferred)
                && p.promises.get(p.preferred).promise().lastSeq() == max ? p.preferred
                : chain.stream().filter(m -> p.promises.get(m).promise().lastSeq() == max).findFirst().orElseThrow();
        chain.remove(first);
        chain.add(0, first);
    }

    /** When every lease a promiser reported has run out on this node's clock, unless its tail promised. */
    private long leaseWait(Proposal p, long now) {
        long until = now;
        for (Received r : p.promises.values()) {
            Promise m = r.promise();
            if (m.guardNanos() <= 0 || p.promises.containsKey(m.guardTail())) continue;
            long end = r.at() + timings.stretch(m.guardNanos());
            if (end - until > 0) until = end;
        }
        if (until != now) env.emit("kv.chain.lease.wait", Map.of("epoch", p.epoch, "ms", (until - now) / 1_000_000));
        return until;
    }

    void onPromise(String from, Promise m) {
        seen(m.ballot());
        if (proposal == null || m.epoch() != proposal.epoch || !m.ballot().equals(proposal.ballot)) return;
        proposal.promises.putIfAbsent(from, new Received(m, env.nanoTime()));
        if (suspected != null) drive(suspected, false); // on to the accepts now, not at the next tick
    }

    void onAccepted(String from, Accepted m) {
        Proposal p = proposal;
        if (p == null || m.epoch() != p.epoch || !m.ballot().equals(p.ballot) || p.phase != Phase.ACCEPT) return;
        p.accepts.add(from);
        if (p.accepts.size() < majority()) return;
        View v = p.value;
        proposal = null;
        env.emit("kv.chain.decided", Map.of("epoch", v.epoch(), "chain", v.chain()));
        learn(v);
        for (String r : replicas()) if (!r.equals(self)) send.accept(r, new Decide(v));
    }

    void onNack(String from, Nack n) {
        seen(n.promised());
        if (n.decided() != null) learn(n.decided());
        Proposal p = proposal;
        if (p == null || n.epoch() != p.epoch || !n.ballot().equals(p.ballot)) return;
        proposal = null;
        backOff();
    }

    private void backOff() {
        quietUntil = env.nanoTime() + timings.ms(1 + env.random().nextLong(timings.proposeTimeoutMs() / 2));
    }

    private void seen(Ballot b) {
        if (b != null) maxSeenCounter = Math.max(maxSeenCounter, b.counter());
    }

    private static int compare(long e1, Ballot b1, long e2, Ballot b2) {
        int c = Long.compare(e1, e2);
        return c != 0 ? c : b1.compareTo(b2);
    }

    private List<String> replicas() {
        return config.replicas().stream().map(n -> n.value()).toList();
    }

    private int majority() {
        return config.replicas().size() / 2 + 1;
    }
}
