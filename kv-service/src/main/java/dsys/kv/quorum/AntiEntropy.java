package dsys.kv.quorum;

import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.kv.quorum.QuorumMessages.Chosen;
import dsys.kv.quorum.QuorumMessages.DigestDiff;
import dsys.kv.quorum.QuorumMessages.DigestOffer;
import dsys.kv.quorum.QuorumMessages.EntrySummary;
import dsys.kv.quorum.QuorumMessages.Learn;
import dsys.kv.quorum.QuorumMessages.Want;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * Background anti-entropy between replicas: every round a replica offers its bucket digests to the next replica
 * in turn; the peer answers with its entries (keys, ballots, chosen flags, no values) of the buckets that differ;
 * the initiator pushes the chosen states it has newer ({@link Learn}) and asks for those the peer has newer
 * ({@link Want}). A difference whose newer side is not known to be chosen is left to the replica that holds it:
 * every replica settles content of its own that stays unchosen for a deadline (a proposer died, a commit was
 * lost) with a repair round, a CASPaxos round with the identity change, which ends in a commit to all.
 *
 * <p>Every message stays within {@link QuorumSettings#maxTransferBytes()} of JSON (estimated by {@link JsonSize}),
 * or holds a single item: a peer drops a message over 2 MiB, and a replica that lagged far behind would otherwise
 * be sent one too large every round and never catch up. A diff lists the entries of as many differing buckets as
 * fit, continuing where its last diff to that peer stopped, but always names every differing bucket; pushes and
 * requests go in as many messages as they need.
 */
final class AntiEntropy {

    record Tick() {
    }

    private record Suspect(Ballot ballot, long since) {
    }

    private final Env env;
    private final KeyspaceConfig config;
    private final QuorumSettings settings;
    private final Replica replica;
    private final QuorumCoordinator coordinator;
    private final TombstoneCollector tombstones;
    private final QuorumStats stats;
    private final BiConsumer<NodeId, Message> send;
    private final List<NodeId> peers;
    private final Map<String, Suspect> suspects = new HashMap<>();
    /**
     * Per peer, the bucket the next diff to it starts its entries at: the one after the last it covered. A cursor
     * rather than an offset computed from the round, because a peer's rounds reach this replica at a stride (the
     * number of its peers) that an offset could share with the bucket count, starving the buckets in between.
     */
    private final Map<NodeId, Integer> cursors = new HashMap<>();
    private long round;

    AntiEntropy(Env env, KeyspaceConfig config, QuorumSettings settings, Replica replica, QuorumCoordinator coordinator,
                TombstoneCollector tombstones, QuorumStats stats, BiConsumer<NodeId, Message> send) {
        this.env = env;
        this.config = config;
        this.settings = settings;
        this.replica = replica;
        this.coordinator = coordinator;
        this.tombstones = tombstones;
        this.stats = stats;
        this.send = send;
        this.peers = config.replicas().stream().filter(n -> !n.equals(env.self())).toList();
    }

    void start() {
        if (!peers.isEmpty()) env.after(Duration.ofMillis(1 + env.random().nextLong(settings.antiEntropyMs())), new Tick());
    }

    void onTick() {
        round++;
        NodeId peer = peers.get((int) (round % peers.size()));
        List<Long> digests = replica.digests().snapshot();
        transfer(peer, new DigestOffer(round, digests), JsonSize.MESSAGE + JsonSize.digests(digests));
        settleUnchosen();
        tombstones.sweep();
        env.after(Duration.ofMillis(settings.antiEntropyMs()), new Tick());
    }

    /**
     * Answers with every differing bucket and the entries of those that fit the budget (at least one), in bucket
     * order from this peer's cursor on. {@code differing} stays complete whatever fits: both sides take a bucket
     * it does not list as equal, and confirm the tombstones in it as held by the other (see
     * {@link TombstoneCollector#confirmAllBut}).
     */
    void onOffer(NodeId from, DigestOffer offer) {
        List<Integer> differing = replica.digests().differing(offer.buckets());
        tombstones.confirmAllBut(from, new HashSet<>(differing));
        long bytes = JsonSize.MESSAGE + JsonSize.ballot(replica.floor()) + 2 * JsonSize.BUCKET * differing.size();
        List<Integer> covered = new ArrayList<>();
        List<EntrySummary> entries = new ArrayList<>();
        int start = 0, cursor = cursors.getOrDefault(from, 0);
        while (start < differing.size() && differing.get(start) < cursor) start++;
        for (int i = 0; i < differing.size(); i++) {
            int b = differing.get((start + i) % differing.size());
            List<EntrySummary> of = new ArrayList<>();
            long size = 0;
            for (Map.Entry<String, AcceptorState> e : replica.bucket(b)) {
                AcceptorState st = e.getValue();
                EntrySummary entry = new EntrySummary(e.getKey(), st.accepted(), st.committed(), st.content().tombstone());
                of.add(entry);
                size += JsonSize.entry(entry);
            }
            if (!covered.isEmpty() && bytes + size > settings.maxTransferBytes()) break;
            covered.add(b);
            entries.addAll(of);
            bytes += size;
            cursors.put(from, b + 1);
        }
        transfer(from, new DigestDiff(offer.round(), differing, covered, entries, replica.floor()), bytes);
    }

    /**
     * Compares the keys of the buckets the diff covers (the peer listed all its entries there, so a key it did not
     * list is one it lacks); the other differing buckets wait for a later round.
     */
    void onDiff(NodeId from, DigestDiff diff) {
        Set<Integer> differing = new HashSet<>(diff.differing());
        tombstones.confirmAllBut(from, differing);
        Map<String, EntrySummary> theirs = new HashMap<>();
        for (EntrySummary e : diff.entries()) theirs.put(e.key(), e);
        TreeSet<String> keys = new TreeSet<>(theirs.keySet());
        for (int b : new HashSet<>(diff.covered())) {
            if (b < 0 || b >= replica.digests().count()) continue;
            for (Map.Entry<String, AcceptorState> e : replica.bucket(b)) keys.add(e.getKey());
        }
        List<Chosen> push = new ArrayList<>();
        List<String> want = new ArrayList<>();
        for (String key : keys) {
            AcceptorState mine = replica.entry(key);
            if (!BucketDigests.holdsData(mine)) mine = null;
            EntrySummary t = theirs.get(key);
            Ballot ma = mine == null ? Ballot.ZERO : mine.accepted(), ta = t == null ? Ballot.ZERO : t.accepted();
            boolean mc = mine != null && mine.committed(), tc = t != null && t.committed();
            if (ma.equals(ta) && mc == tc || mine == null && tc && replica.collected(key, ta, t.tombstone())) {
                if (mine != null && TombstoneCollector.isChosenTombstone(mine)) tombstones.confirm(key, from, ma);
            } else if (t == null && TombstoneCollector.isChosenTombstone(mine) && ma.compareTo(diff.floor()) <= 0) {
                tombstones.confirm(key, from, ma); // the peer collected it already
            } else if (mc && (ma.isAfter(ta) || ma.equals(ta) && !tc)) {
                push.add(new Chosen(key, ma, mine.content()));
            } else if (tc && (ta.isAfter(ma) || ta.equals(ma) && !mc)) {
                want.add(key);
            }
        }
        inChunks(from, push, JsonSize::chosen, chunk -> new Learn(diff.round(), chunk));
        inChunks(from, want, JsonSize::key, chunk -> new Want(diff.round(), chunk));
        stats.count("antientropy.rounds");
        env.emit("kv.antientropy", Map.of("round", diff.round(), "peer", from.value(), "buckets", differing.size(),
                "covered", diff.covered().size(), "pushed", push.size(), "wanted", want.size()));
    }

    /** Starts a repair round for each key whose content here stayed unchosen, at one ballot, for a deadline. */
    private void settleUnchosen() {
        long now = env.nanoTime();
        suspects.keySet().retainAll(replica.unchosen());
        for (String key : replica.unchosen()) {
            Ballot b = replica.state(key).accepted();
            Suspect s = suspects.get(key);
            if (s == null || !s.ballot().equals(b)) {
                suspects.put(key, new Suspect(b, now));
            } else if (now - s.since() >= settings.deadlineMs() * 1_000_000L && !coordinator.busyWith(key)) {
                suspects.remove(key);
                stats.count("repairs");
                env.emit("kv.repair", Map.of("key", key, "ballot", b.toString()));
                coordinator.repair(key);
            }
        }
    }

    void onWant(NodeId from, Want w) {
        List<Chosen> push = new ArrayList<>();
        for (String key : w.keys()) {
            AcceptorState s = replica.entry(key);
            if (s != null && s.committed()) push.add(new Chosen(key, s.accepted(), s.content()));
        }
        inChunks(from, push, JsonSize::chosen, chunk -> new Learn(w.round(), chunk));
    }

    void onLearn(NodeId from, Learn l) {
        long oldest = -1;
        for (Chosen c : l.states()) {
            if (!replica.learn(c)) continue;
            // how long this replica trailed: a version's counter is its writer's clock in ms (hybrid-logical)
            oldest = Math.max(oldest, Math.max(0, env.clock().millis() - c.ballot().counter()));
            stats.count("antientropy.learned");
            env.emit("kv.learn", Map.of("key", c.key(), "ballot", c.ballot().toString(), "from", from.value()));
        }
        if (oldest >= 0) stats.set("antientropy.lag.ms", oldest);
    }

    private void transfer(NodeId to, Message m, long bytes) {
        stats.add("antientropy.bytes", bytes);
        stats.count("antientropy.messages");
        send.accept(to, m);
    }

    /** Sends {@code items} in messages within the budget each, in order; a single item larger than it goes alone. */
    private <T> void inChunks(NodeId to, List<T> items, ToLongFunction<T> size, Function<List<T>, Message> message) {
        List<T> chunk = new ArrayList<>();
        long bytes = JsonSize.MESSAGE;
        for (T item : items) {
            long b = size.applyAsLong(item);
            if (!chunk.isEmpty() && bytes + b > settings.maxTransferBytes()) {
                transfer(to, message.apply(List.copyOf(chunk)), bytes);
                chunk.clear();
                bytes = JsonSize.MESSAGE;
            }
            chunk.add(item);
            bytes += b;
        }
        if (!chunk.isEmpty()) transfer(to, message.apply(List.copyOf(chunk)), bytes);
    }
}
