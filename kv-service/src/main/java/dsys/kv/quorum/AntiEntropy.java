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

/**
 * Background anti-entropy between replicas: every round a replica offers its bucket digests to the next replica
 * in turn; the peer answers with its entries (keys, ballots, chosen flags, no values) of the buckets that differ;
 * the initiator pushes the chosen states it has newer ({@link Learn}) and asks for those the peer has newer
 * ({@link Want}). A difference whose newer side is not known to be chosen is left to the replica that holds it:
 * every replica settles content of its own that stays unchosen for a deadline (a proposer died, a commit was
 * lost) with a repair round, a CASPaxos round with the identity change, which ends in a commit to all.
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
        transfer(peer, new DigestOffer(round, digests), 8L * digests.size());
        settleUnchosen();
        tombstones.sweep();
        env.after(Duration.ofMillis(settings.antiEntropyMs()), new Tick());
    }

    void onOffer(NodeId from, DigestOffer offer) {
        List<Integer> differing = replica.digests().differing(offer.buckets());
        tombstones.confirmAllBut(from, new HashSet<>(differing));
        List<EntrySummary> entries = new ArrayList<>();
        for (int b : differing) {
            for (Map.Entry<String, AcceptorState> e : replica.bucket(b)) {
                AcceptorState st = e.getValue();
                entries.add(new EntrySummary(e.getKey(), st.accepted(), st.committed(), st.content().tombstone()));
            }
        }
        long bytes = 4L * differing.size() + entries.stream().mapToLong(e -> e.key().length() + 33).sum();
        transfer(from, new DigestDiff(offer.round(), differing, entries, replica.floor()), bytes);
    }

    void onDiff(NodeId from, DigestDiff diff) {
        Set<Integer> differing = new HashSet<>(diff.differing());
        tombstones.confirmAllBut(from, differing);
        Map<String, EntrySummary> theirs = new HashMap<>();
        for (EntrySummary e : diff.entries()) theirs.put(e.key(), e);
        TreeSet<String> keys = new TreeSet<>(theirs.keySet());
        for (int b : differing) for (Map.Entry<String, AcceptorState> e : replica.bucket(b)) keys.add(e.getKey());
        List<Chosen> push = new ArrayList<>();
        List<String> want = new ArrayList<>();
        for (String key : keys) {
            AcceptorState mine = replica.entries().get(key);
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
        if (!push.isEmpty()) transfer(from, new Learn(diff.round(), push), bytes(push));
        if (!want.isEmpty()) transfer(from, new Want(diff.round(), want), want.stream().mapToLong(String::length).sum());
        stats.count("antientropy.rounds");
        env.emit("kv.antientropy", Map.of("round", diff.round(), "peer", from.value(), "buckets", differing.size(),
                "pushed", push.size(), "wanted", want.size()));
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
            AcceptorState s = replica.entries().get(key);
            if (s != null && s.committed()) push.add(new Chosen(key, s.accepted(), s.content()));
        }
        if (!push.isEmpty()) transfer(from, new Learn(w.round(), push), bytes(push));
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

    private static long bytes(List<Chosen> states) {
        return states.stream().mapToLong(c -> c.key().length() + 32
                + (c.content().value() == null ? 0 : c.content().value().length())).sum();
    }
}
