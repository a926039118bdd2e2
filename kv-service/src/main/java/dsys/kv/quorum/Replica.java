package dsys.kv.quorum;

import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.kv.quorum.QuorumMessages.Accept;
import dsys.kv.quorum.QuorumMessages.Accepted;
import dsys.kv.quorum.QuorumMessages.Chosen;
import dsys.kv.quorum.QuorumMessages.Commit;
import dsys.kv.quorum.QuorumMessages.Prepare;
import dsys.kv.quorum.QuorumMessages.Promise;
import dsys.kv.quorum.QuorumMessages.Read;
import dsys.kv.quorum.QuorumMessages.ReadReply;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One node's replica of a keyspace: a Paxos acceptor per key. Every change is put to {@link Env#storage()} in the
 * step that makes it, so it is durable before the answer that reveals it leaves the node (the host flushes
 * storage before a step's messages go out); a promise is never forgotten, an accepted value never lost.
 * Keys that hold nothing (never written, or a collected tombstone) answer as if promised to the floor: the
 * highest ballot this replica promised to a key whose death certificate it collected.
 */
final class Replica {

    private final Durable disk;
    private final StorageCodec codec;
    /*
     * Point lookups (every message) go to a hash map; the sorted key set changes only when a key appears or is
     * collected, and serves range listings. One TreeMap for both cost ~16 % of a coordinating node's CPU under
     * fresh-key puts (JFR): ~8 lookups per put, each comparing long keys down a tree of ~10^5.
     */
    private final Map<String, AcceptorState> states = new HashMap<>();
    private final TreeSet<String> keys = new TreeSet<>();
    private final BucketDigests digests;
    /** Keys whose accepted content is not known to be chosen (a lost commit, a proposer that died). */
    private final TreeSet<String> unchosen = new TreeSet<>();
    /*
     * Indexes kept step by step, so that anti-entropy and tombstone collection touch only what they need: a scan
     * of every key per differing bucket cost O(keys × buckets) each round, and grew with the store.
     */
    private final List<TreeSet<String>> byBucket = new ArrayList<>();          // keys holding data, per bucket
    private final TreeSet<String> chosenTombstones = new TreeSet<>();
    private final Set<String> tombstones = new HashSet<>();  // accepted content a tombstone
    private Ballot floor = Ballot.ZERO;
    private ChosenListener listener = ChosenListener.NONE;

    Replica(Env env, KeyspaceConfig config, QuorumSettings settings) {
        this.disk = env.storage();
        this.codec = new StorageCodec(config.name());
        this.digests = new BucketDigests(settings.buckets());
        for (int b = 0; b < settings.buckets(); b++) byBucket.add(new TreeSet<>());
    }

    /** Rebuilds the replica from storage (at start, and after a crash). */
    void load() {
        states.clear();
        keys.clear();
        unchosen.clear();
        chosenTombstones.clear();
        tombstones.clear();
        byBucket.forEach(TreeSet::clear);
        floor = disk.get(codec.floorKey()).map(Ballot::parse).orElse(Ballot.ZERO);
        for (Map.Entry<String, String> e : disk.scan(codec.keysPrefix()).entrySet()) {
            String key = codec.keyOf(e.getKey());
            AcceptorState s = StorageCodec.decode(e.getValue());
            states.put(key, s);
            keys.add(key);
            digests.update(key, null, s);
            track(key, null, s);
        }
    }

    AcceptorState state(String key) {
        AcceptorState s = states.get(key);
        return s != null ? s : floor.zero() ? AcceptorState.EMPTY : AcceptorState.EMPTY.promise(floor);
    }

    Promise onPrepare(Prepare p) {
        AcceptorState s = state(p.key());
        boolean ok = p.ballot().compareTo(s.promised()) >= 0;
        if (ok && p.ballot().isAfter(s.promised())) s = store(p.key(), s.promise(p.ballot()));
        return new Promise(p.op(), p.key(), p.ballot(), ok, s.promised(), s.accepted(), s.committed(), s.content());
    }

    /**
     * Accepts, and promises the proposer's next ballot with it when the accept carries one (one write, one fsync).
     * An accept of exactly what this replica holds as accepted is confirmed even below its promise: it did accept
     * that ballot, which is all the proposer counts, and nothing changes. (A read's write-back of a write whose
     * accepts promised the writer's next ballot would otherwise be refused by the very replicas that hold it.)
     */
    Accepted onAccept(Accept a) {
        AcceptorState s = state(a.key());
        boolean holds = a.ballot().equals(s.accepted()) && a.content().equals(s.content());
        boolean ok = holds || a.ballot().compareTo(s.promised()) >= 0;
        if (ok) {
            AcceptorState n = holds ? s : s.accept(a.ballot(), a.content());
            if (a.next().isAfter(n.promised())) n = n.promise(a.next());
            if (n != s) s = store(a.key(), n);
        }
        return new Accepted(a.op(), a.key(), a.ballot(), ok, s.promised());
    }

    /** Marks the accepted content chosen; true when that changed something. */
    boolean onCommit(Commit c) {
        AcceptorState s = states.get(c.key());
        if (s == null || s.committed() || !s.accepted().equals(c.ballot())) return false;
        store(c.key(), s.commit());
        return true;
    }

    ReadReply onRead(Read r) {
        AcceptorState s = state(r.key());
        return new ReadReply(r.op(), r.key(), s.accepted(), s.committed(), s.content());
    }

    /**
     * Takes a chosen state that is newer than what this replica accepted. Safe even past a higher promise: any
     * proposer whose promises came after the state was chosen saw it (or something newer) in every read
     * quorum, so its proposal already builds on it; this replica now only reports what it would have reported
     * had the accept reached it in time. Returns whether it changed anything.
     */
    boolean learn(Chosen c) {
        AcceptorState s = state(c.key());
        if (collected(c.key(), c.ballot(), c.content().tombstone())) return false;
        if (c.ballot().isAfter(s.accepted())) {
            store(c.key(), s.learn(c.ballot(), c.content()));
            return true;
        }
        if (c.ballot().equals(s.accepted()) && !s.committed()) {
            store(c.key(), s.commit());
            return true;
        }
        return false;
    }

    /**
     * Whether a chosen tombstone at {@code ballot} is one this replica collected: it holds nothing for the key and
     * the floor covers the ballot. The floor is one number for all keys, so for a value (not a tombstone) it says
     * nothing: this replica may simply have missed the key, and a chosen value is always safe to take (a
     * tombstone is collected only once every replica holds it, so no replica can offer an older value).
     */
    boolean collected(String key, Ballot ballot, boolean tombstone) {
        return tombstone && !BucketDigests.holdsData(states.get(key)) && ballot.compareTo(floor) <= 0;
    }

    /**
     * Drops a chosen death certificate (every replica holds it: the caller checked) and raises the floor to
     * its promise, so no ballot it could have refused is accepted for the key once it holds nothing.
     */
    void collect(String key) {
        AcceptorState s = states.get(key);
        if (s == null || !s.committed() || !s.content().tombstone()) {
            throw new IllegalStateException("only a chosen tombstone can be collected: " + key + " " + s);
        }
        if (s.promised().isAfter(floor)) {
            floor = s.promised();
            disk.put(codec.floorKey(), floor.toString());
        }
        states.remove(key);
        keys.remove(key);
        disk.remove(codec.storageKey(key));
        digests.update(key, s, null);
        track(key, s, null);
    }

    private AcceptorState store(String key, AcceptorState s) {
        AcceptorState before = states.put(key, s);
        if (before == null) keys.add(key);
        disk.put(codec.storageKey(key), StorageCodec.encode(s));
        digests.update(key, before, s);
        track(key, before, s);
        if (s.committed() && (before == null || !before.committed() || s.accepted().isAfter(before.accepted()))) {
            listener.chosen(key, s.content());
        }
        return s;
    }

    /** Moves {@code key} between the indexes as its state goes from {@code before} to {@code s} (null: none). */
    private void track(String key, AcceptorState before, AcceptorState s) {
        boolean had = BucketDigests.holdsData(before), data = BucketDigests.holdsData(s);
        flip(unchosen, key, had && !before.committed(), data && !s.committed());
        flip(chosenTombstones, key, had && TombstoneCollector.isChosenTombstone(before),
                data && TombstoneCollector.isChosenTombstone(s));
        flip(tombstones, key, had && before.content().tombstone(), data && s.content().tombstone());
        flip(byBucket.get(digests.bucketOf(key)), key, had, data);
    }

    /** Only a change touches a sorted set: most stores leave a key where it was (a tree lookup per set saved). */
    private static void flip(Set<String> index, String key, boolean was, boolean is) {
        if (was == is) return;
        if (is) index.add(key);
        else index.remove(key);
    }

    /** The indexes against a scan of every state: a description of the first mismatch, or null (for the simulations). */
    String indexMismatch() {
        List<TreeSet<String>> scanned = new ArrayList<>();
        if (!keys.equals(states.keySet())) return "sorted keys " + keys + ", states " + states.keySet();
        for (int b = 0; b < byBucket.size(); b++) scanned.add(new TreeSet<>());
        for (Map.Entry<String, AcceptorState> e : states.entrySet()) {
            if (BucketDigests.holdsData(e.getValue())) scanned.get(digests.bucketOf(e.getKey())).add(e.getKey());
        }
        for (int b = 0; b < byBucket.size(); b++) {
            if (!scanned.get(b).equals(byBucket.get(b))) return "bucket " + b + ": index " + byBucket.get(b) + ", scan " + scanned.get(b);
        }
        TreeSet<String> chosen = new TreeSet<>(), all = new TreeSet<>();
        for (Map.Entry<String, AcceptorState> e : states.entrySet()) {
            if (!BucketDigests.holdsData(e.getValue()) || !e.getValue().content().tombstone()) continue;
            all.add(e.getKey());
            if (e.getValue().committed()) chosen.add(e.getKey());
        }
        if (!chosen.equals(chosenTombstones)) return "chosen tombstones: index " + chosenTombstones + ", scan " + chosen;
        if (!all.equals(new TreeSet<>(tombstones))) return "tombstones: index " + tombstones + ", scan " + all;
        return null;
    }

    /** How many keys hold a death certificate (chosen or not). */
    int tombstoneCount() {
        return tombstones.size();
    }

    /** Keys whose chosen content is a death certificate, in key order (read-only). */
    java.util.SortedSet<String> chosenTombstones() {
        return java.util.Collections.unmodifiableSortedSet(chosenTombstones);
    }

    /** Keys whose accepted content this replica does not know to be chosen, in key order (read-only). */
    java.util.SortedSet<String> unchosen() {
        return java.util.Collections.unmodifiableSortedSet(unchosen);
    }

    void listener(ChosenListener l) {
        listener = l;
    }

    Ballot floor() {
        return floor;
    }

    BucketDigests digests() {
        return digests;
    }

    /** This replica's entries in {@code bucket} that hold data (not only a promise), in key order. */
    List<Map.Entry<String, AcceptorState>> bucket(int bucket) {
        List<Map.Entry<String, AcceptorState>> out = new ArrayList<>(byBucket.get(bucket).size());
        for (String key : byBucket.get(bucket)) out.add(Map.entry(key, states.get(key)));
        return out;
    }

    /** The state this replica holds for {@code key}, or null when it holds none (unlike {@link #state}). */
    AcceptorState entry(String key) {
        return states.get(key);
    }

    /** How many keys this replica holds state for. */
    int size() {
        return states.size();
    }

    /** The keys this replica holds state for from {@code from} on, in key order (read-only, live). */
    NavigableSet<String> keysFrom(String from, boolean inclusive) {
        return java.util.Collections.unmodifiableNavigableSet(keys.tailSet(from, inclusive));
    }

    /** A copy of every entry, in key order. */
    SortedMap<String, AcceptorState> snapshot() {
        SortedMap<String, AcceptorState> out = new TreeMap<>();
        for (String key : keys) out.put(key, states.get(key));
        return out;
    }
}
