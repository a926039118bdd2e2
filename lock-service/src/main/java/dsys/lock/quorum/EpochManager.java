package dsys.lock.quorum;

import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.lease.HoldInfo;
import dsys.lock.lease.HoldKey;
import dsys.lock.quorum.QuorumMessages.CatchUp;
import dsys.lock.quorum.QuorumMessages.Commit;
import dsys.lock.quorum.QuorumMessages.Heartbeat;
import dsys.lock.quorum.QuorumMessages.HoldsReport;
import dsys.lock.quorum.QuorumMessages.Nack;
import dsys.lock.quorum.QuorumMessages.Prepare;
import dsys.lock.quorum.QuorumMessages.Promise;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Epochs of the lock service: the acceptor (promise, adopt, persist) and the proposer (prepare, collect a
 * majority, commit). Every change of who may grant — coordinator fail-over, token regeneration, membership
 * change, algorithm switch — is one epoch change, so one argument covers them all:
 * a majority promised the new epoch, so the old one can no longer pass {@link Connectivity#connected} after
 * {@code freshMs}; holds the promisers reported are carried over. Holds acknowledged through a node that did not
 * promise are known too: every grant and renewal was recorded at a majority in its epoch before its client heard of
 * it ({@code dsys.lock.node.HoldReplication}), a recorder refuses once it promised a newer epoch, and any two
 * majorities meet, so some promiser reports each such hold ({@link Promise#known()}). The new epoch withholds exactly
 * those names until their records end ({@link #mayGrant}); every other name is grantable at once.
 */
public final class EpochManager {

    /** What the epoch machinery needs from the node. */
    public interface Listener {
        List<HoldInfo> holdsReport();

        /** Holds of other nodes recorded here (with the latest they can end, on this node's clock). */
        List<HoldInfo> knownHolds();

        /** Every holder the coordinator of the current epoch granted, or null when this node cannot tell. */
        List<HoldInfo> coordinatorTable();

        /** A newer epoch was promised: stop granting until it is adopted. */
        void promised(long number);

        void adopted(Commit commit);

        void transmit(NodeId to, Message m);
    }

    public record CollectTimer(long number) {
    }

    public record ProposalTimer(long number) {
    }

    private static final String PROMISED = "epoch/promised";
    private static final String COMMIT = "epoch/commit";

    private final Env env;
    private final Durable storage;
    private final Listener listener;
    private final Connectivity connectivity;
    private final long collectMs;
    private final long proposeTimeoutMs;
    private long promised;
    private NodeId promisedTo;
    private Commit commit;
    private long graceUntil;
    /** Names that nodes outside the current epoch may still hold, and until when (nanoTime) at the latest. */
    private final Map<String, Long> heldOutside = new HashMap<>();
    private long highestSeen;
    private long limboSince;
    private Proposal proposal;
    private Promise lastPromise;
    private boolean fromStorage;
    /** Nodes that did not promise the current epoch and have not yet reported their holds in it. */
    private final Set<NodeId> unreported = new HashSet<>();
    /** The latest end (nanoTime) of a hold reported by such a node since the current epoch was adopted. */
    private long reportedUntil;
    private final double rho;
    private int beats;

    private static final class Proposal {
        final long number;
        final String algorithm;
        final NodeId owner;
        final Map<NodeId, Promise> promises = new LinkedHashMap<>();
        final long started;
        boolean collecting;

        Proposal(long number, String algorithm, NodeId owner, long started) {
            this.started = started;
            this.number = number;
            this.algorithm = algorithm;
            this.owner = owner;
        }
    }

    public EpochManager(Env env, Listener listener, Connectivity connectivity, long collectMs,
                        long proposeTimeoutMs, double rho) {
        this.rho = rho;
        this.env = env;
        this.storage = env.storage();
        this.listener = listener;
        this.connectivity = connectivity;
        this.collectMs = collectMs;
        this.proposeTimeoutMs = proposeTimeoutMs;
    }

    /** Loads the durable epoch, or epoch 0 with every configured node and the default algorithm. */
    public void load(String defaultAlgorithm) {
        fromStorage = storage.get(COMMIT).isPresent();
        commit = storage.get(COMMIT).map(Codec::commit).orElseGet(() ->
                new Commit(new EpochInfo(0, defaultAlgorithm, null, env.members().nodes()), List.of(), 0, List.of()));
        Optional<String> p = storage.get(PROMISED);
        promised = p.map(s -> Long.parseLong(s.split(",")[0])).orElse(commit.epoch().number());
        promisedTo = p.filter(s -> s.contains(",")).map(s -> NodeId.of(s.split(",", 2)[1])).orElse(null);
        highestSeen = Math.max(promised, commit.epoch().number());
        graceUntil = env.nanoTime() + commit.graceMs() * 1_000_000L;
        heldOutside.clear();
        withholdOutside(commit);
        limboSince = env.nanoTime();
        proposal = null;
        awaitReports();
    }

    /** Every configured node that did not promise the current epoch owes a holds report before its grace may end. */
    private void awaitReports() {
        unreported.clear();
        // (not this node: outside the epoch it grants nothing in it, and in a later one it promised its holds)
        for (NodeId n : env.members().nodes()) {
            if (!commit.epoch().member(n) && !n.equals(env.self())) unreported.add(n);
        }
        reportedUntil = env.nanoTime();
    }

    /** The node had adopted an epoch before this start: it is coming back, not joining fresh. */
    public boolean loadedFromStorage() {
        return fromStorage;
    }

    public EpochInfo current() {
        return commit.epoch();
    }

    public Commit lastCommit() {
        return commit;
    }

    public boolean inLimbo() {
        return promised > commit.epoch().number();
    }

    public long limboNanos(long now) {
        return inLimbo() ? now - limboSince : 0;
    }

    public boolean inGrace(long now) {
        return now < graceUntil;
    }

    public long graceRemainingMs(long now) {
        return Math.max(0, (graceUntil - now) / 1_000_000L);
    }

    /**
     * May {@code name} be granted now: the node may act, no epoch-wide grace period runs, and no node outside the
     * epoch may still hold it (by the records the promisers reported).
     */
    public boolean mayGrant(String name, long now) {
        if (!mayAct(now) || inGrace(now)) return false;
        Long until = heldOutside.get(name);
        if (until == null) return true;
        if (now < until) return false;
        heldOutside.remove(name);
        return true;
    }

    /** How long {@code name} stays withheld for a hold outside the epoch (0: not withheld). */
    public long withheldMs(String name, long now) {
        Long until = heldOutside.get(name);
        return until == null ? 0 : Math.max(0, (until - now) / 1_000_000L);
    }

    /** May this node grant or renew right now? */
    public boolean mayAct(long now) {
        return !inLimbo() && commit.epoch().member(env.self()) && connectivity.connected(now);
    }

    public boolean proposing() {
        return proposal != null;
    }


    public void heartbeat() {
        long now = env.nanoTime();
        for (NodeId peer : env.members().others(env.self())) {
            listener.transmit(peer, new Heartbeat(commit.epoch().number(), promised, now, connectivity.echoFor(peer)));
        }
        if (++beats % 5 == 0) reportHolds();
    }

    /**
     * Outside the current epoch (it was committed without our promise): tell everyone what we still hold, so their
     * grace period need not wait a whole lease for holds we might have granted before. Sent on adoption and every
     * few heartbeats after (reports may be lost; a peer that restarts waits again).
     */
    private void reportHolds() {
        if (commit.epoch().member(env.self())) return;
        HoldsReport r = new HoldsReport(commit.epoch().number(), listener.holdsReport());
        for (NodeId peer : env.members().others(env.self())) listener.transmit(peer, r);
    }

    /**
     * A node that missed the current epoch's promises reported its holds after adopting this very epoch. It cannot
     * grant or renew any more in an older epoch (it promised this one) nor in this one (not a member), and its hold
     * table is durable (restored after a crash), so its holds from before end by the reported remaining leases.
     * Holds of the promisers were carried into the epoch, and the epoch's own grants are its own: once every
     * non-promiser reported, the grace period ends when the last reported hold does.
     */
    private void onHoldsReport(NodeId from, HoldsReport r) {
        if (r.epoch() != commit.epoch().number() || !unreported.remove(from)) return;
        long now = env.nanoTime();
        long longest = r.holds().stream().mapToLong(HoldInfo::remainingMs).max().orElse(-1);
        if (longest >= 0) {
            long end = now + (long) Math.ceil(longest * 1_000_000.0 * (1 + 2 * rho));
            reportedUntil = Math.max(reportedUntil, end);
        }
        if (unreported.isEmpty() && now < graceUntil) {
            long until = Math.max(now, reportedUntil);
            if (until < graceUntil) {
                env.emit("lock.grace-end", Map.of("epoch", commit.epoch().number(), "reporter", from.value(),
                        "droppedMs", (graceUntil - until) / 1_000_000L, "leftMs", (until - now) / 1_000_000L));
                graceUntil = until;
            }
        }
    }

    public boolean handles(Message m) {
        return m instanceof Heartbeat || m instanceof Prepare || m instanceof Promise || m instanceof Nack
                || m instanceof Commit || m instanceof CatchUp || m instanceof HoldsReport;
    }

    public void onMessage(NodeId from, Message m) {
        long now = env.nanoTime();
        connectivity.heard(from, now);
        if (m instanceof Heartbeat hb) {
            onHeartbeat(from, hb, now);
        } else if (m instanceof Prepare p) {
            onPrepare(from, p);
        } else if (m instanceof Promise p) {
            onPromise(from, p);
        } else if (m instanceof Nack n) {
            highestSeen = Math.max(highestSeen, n.promised());
            if (proposal != null && proposal.number == n.number()) proposal = null;
        } else if (m instanceof Commit c) {
            adopt(c);
        } else if (m instanceof HoldsReport r) {
            onHoldsReport(from, r);
        } else if (m instanceof CatchUp c && c.current() < commit.epoch().number()) {
            listener.transmit(from, commit);
        }
    }

    private void onHeartbeat(NodeId from, Heartbeat hb, long now) {
        connectivity.onHeartbeat(from, hb, commit.epoch().number(), now);
        highestSeen = Math.max(highestSeen, Math.max(hb.current(), hb.promised()));
        if (hb.current() > commit.epoch().number()) listener.transmit(from, new CatchUp(commit.epoch().number()));
    }

    private void onPrepare(NodeId from, Prepare p) {
        highestSeen = Math.max(highestSeen, p.number());
        if (p.number() > promised) {
            long before = promised;
            EpochInfo e = commit.epoch();
            // the report comes before the promise stops the algorithm (the coordinator's table goes with it)
            lastPromise = new Promise(p.number(), listener.holdsReport(), listener.knownHolds(),
                    listener.coordinatorTable(), e.number(),
                    e.algorithm(), e.owner() == null ? null : e.owner().value(), before,
                    graceRemainingMs(env.nanoTime()));
            if (!inLimbo()) limboSince = env.nanoTime();
            promised = p.number();
            promisedTo = from;
            storage.put(PROMISED, promised + "," + from.value());
            listener.promised(promised);
            env.emit("lock.epoch-promise", Map.of("epoch", p.number(), "proposer", from.value(),
                    "algorithm", p.algorithm()));
        } else if (!(p.number() == promised && from.equals(promisedTo) && lastPromise != null)) {
            if (!from.equals(env.self())) listener.transmit(from, new Nack(p.number(), promised));
            return;
        }
        if (from.equals(env.self())) onPromise(from, lastPromise);
        else listener.transmit(from, lastPromise);
    }

    /** Starts an epoch change; returns its number. A no-op (empty) while one is already running. */
    public Optional<Long> propose(String algorithm, NodeId owner) {
        if (proposal != null) return Optional.empty();
        // unique per node (≡ its position mod n), so concurrent proposers never tie: the highest one wins
        int size = env.members().size();
        int position = env.members().nodes().indexOf(env.self());
        long n = Math.max(highestSeen, Math.max(promised, commit.epoch().number())) + 1;
        n += Math.floorMod(position - n, size);
        proposal = new Proposal(n, algorithm, owner, env.nanoTime());
        env.emit("lock.epoch-propose", Map.of("epoch", n, "algorithm", algorithm,
                "owner", owner == null ? "" : owner.value()));
        env.after(Duration.ofMillis(proposeTimeoutMs), new ProposalTimer(n));
        Prepare prepare = new Prepare(n, algorithm, owner == null ? null : owner.value());
        for (NodeId peer : env.members().others(env.self())) listener.transmit(peer, prepare);
        onPrepare(env.self(), prepare);
        return Optional.of(n);
    }

    /** Our own promise arrives as a message to self (handled inline). */
    private void onPromise(NodeId from, Promise p) {
        if (proposal == null || proposal.number != p.number()) return;
        proposal.promises.put(from, p);
        int n = env.members().size();
        if (proposal.promises.size() == n) {
            finish();
        } else if (proposal.promises.size() * 2 > n && !proposal.collecting) {
            proposal.collecting = true;
            env.after(Duration.ofMillis(collectMs), new CollectTimer(proposal.number));
        }
    }

    public boolean handlesTimer(Object t) {
        return t instanceof CollectTimer || t instanceof ProposalTimer;
    }

    public void onTimer(Object t) {
        if (t instanceof CollectTimer c && proposal != null && proposal.number == c.number()) {
            // a missing promise from a node we still hear costs everyone a grace period: wait for it a while
            long now = env.nanoTime();
            boolean aliveMissing = env.members().nodes().stream()
                    .anyMatch(n -> !proposal.promises.containsKey(n) && !connectivity.suspected(n, now));
            if (aliveMissing && now - proposal.started < proposeTimeoutMs * 1_000_000L / 2) {
                env.after(Duration.ofMillis(collectMs), new CollectTimer(proposal.number));
            } else {
                finish();
            }
        }
        if (t instanceof ProposalTimer p && proposal != null && proposal.number == p.number()
                && proposal.promises.size() * 2 <= env.members().size()) {
            env.emit("lock.epoch-abandon", Map.of("epoch", p.number(), "promises", proposal.promises.size()));
            proposal = null;
        }
    }

    private void finish() {
        Proposal p = proposal;
        proposal = null;
        if (promised != p.number) return;  // someone newer got in meanwhile
        Map<String, HoldInfo> carried = new HashMap<>();
        for (Promise promise : p.promises.values()) {
            for (List<HoldInfo> holds : java.util.Arrays.asList(promise.holds(), promise.coordinatorTable())) {
                if (holds == null) continue;
                for (HoldInfo h : holds) carried.merge(h.name(), h, (a, b) -> a.token() >= b.token() ? a : b);
            }
        }
        boolean everyone = p.promises.size() == env.members().size();
        // an epoch-wide grace only survives from a stored epoch of an older version (graceLeftMs > 0)
        long grace = everyone ? 0 : p.promises.values().stream().mapToLong(Promise::graceLeftMs).max().orElse(0);
        List<NodeId> members = new ArrayList<>(p.promises.keySet());
        Commit c = new Commit(new EpochInfo(p.number, p.algorithm, p.owner, members),
                List.copyOf(carried.values()), grace, outside(p, members));
        for (NodeId peer : env.members().others(env.self())) listener.transmit(peer, c);
        adopt(c);
    }

    /**
     * Holds acknowledged through nodes that did not promise, as the promisers know them (their records, the holds
     * carried into their epoch, a coordinator's table): the longest remaining time per hold (name and token).
     */
    private static List<HoldInfo> outside(Proposal p, List<NodeId> members) {
        Set<Integer> inside = new HashSet<>();
        for (NodeId m : members) inside.add(m.index());
        // by name and token: under the token ring two names granted at one node in one epoch carry the same token,
        // and keyed by token alone one of them was not withheld (a second holder while the first lease ran)
        Map<HoldKey, HoldInfo> out = new HashMap<>();
        for (Promise promise : p.promises.values()) {
            for (List<HoldInfo> holds : java.util.Arrays.asList(promise.known(), promise.holds(),
                    promise.coordinatorTable())) {
                if (holds == null) continue;
                for (HoldInfo h : holds) {
                    if (!inside.contains(h.node())) {
                        out.merge(HoldKey.of(h), h, (a, b) -> a.remainingMs() >= b.remainingMs() ? a : b);
                    }
                }
            }
        }
        return List.copyOf(out.values());
    }

    /**
     * Withholds the names of {@code c.outside()} until their records end: remaining times were measured on the
     * reporters' clocks, so they are stretched by (1+2ρ) here; counting from adoption (after the report) only adds.
     */
    private void withholdOutside(Commit c) {
        long now = env.nanoTime();
        for (HoldInfo h : c.outside()) {
            long until = now + (long) Math.ceil(h.remainingMs() * 1_000_000.0 * (1 + 2 * rho));
            heldOutside.merge(h.name(), until, Math::max);
        }
    }

    private void adopt(Commit c) {
        long n = c.epoch().number();
        if (n < promised || n <= commit.epoch().number()) return;
        commit = c;
        promised = n;
        highestSeen = Math.max(highestSeen, n);
        storage.put(COMMIT, Codec.commit(c));
        storage.put(PROMISED, Long.toString(n));
        // a grace period only ends early when every node reported its holds
        long until = env.nanoTime() + c.graceMs() * 1_000_000L;
        boolean everyone = c.epoch().members().size() == env.members().size();
        graceUntil = everyone ? until : Math.max(graceUntil, until);
        heldOutside.clear();
        withholdOutside(c);
        awaitReports();
        connectivity.epochChanged();
        env.emit("lock.epoch", Map.of("epoch", n, "algorithm", c.epoch().algorithm(),
                "owner", c.epoch().owner() == null ? "" : c.epoch().owner().value(),
                "members", c.epoch().members().stream().map(NodeId::value).toList(),
                "graceMs", c.graceMs(), "carried", c.holds().size(),
                "withheld", c.outside().stream().map(HoldInfo::name).distinct().toList()));
        listener.adopted(c);
        reportHolds();
    }
}
