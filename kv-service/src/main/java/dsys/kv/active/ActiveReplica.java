package dsys.kv.active;

import dsys.core.env.Durable;
import dsys.core.env.Rejection;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.Ballot;
import dsys.kv.quorum.KeyPage;
import dsys.kv.quorum.KvReplies;
import dsys.kv.quorum.StorageCodec;
import dsys.kv.quorum.Versioned;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One replica's state machine (状态机) of an active keyspace: every replica applies the same writes in the same
 * total order, each deterministically from the state before it, so all replicas pass through the same states. A
 * compare-and-set is judged here, at its place in the order, hence identically everywhere. Deletes are death
 * certificates, kept, so versions keep growing past them.
 *
 * <p>Disk: {@code kva/<keyspace>/k/<hex key>} → the key's content in the quorum mode's encoding, and
 * {@code kva/<keyspace>/applied} → how many writes this replica applied and the last one's (timestamp, origin),
 * outcome (its version, or 412) and operation id:
 * written in the step that delivers the write, together with the multicast's removal of it from its queue.
 */
final class ActiveReplica {

    private static final char F = '\u001f';

    private final Durable disk;
    private final String prefix;
    private final TreeMap<String, Versioned> items = new TreeMap<>();
    private long applied;
    private int tombstones;

    ActiveReplica(Durable disk, String keyspace) {
        this.disk = disk;
        this.prefix = prefix(keyspace);
    }

    static String prefix(String keyspace) {
        return "kva/" + keyspace + "/";
    }

    static String appliedKey(String keyspace) {
        return prefix(keyspace) + "applied";
    }

    void load() {
        items.clear();
        tombstones = 0;
        disk.scan(prefix + "k/").forEach((k, v) -> {
            Versioned c = StorageCodec.decode(v).content();
            items.put(StorageCodec.unhex(k.substring(prefix.length() + 2)), c);
            if (c.tombstone()) tombstones++;
        });
        applied = disk.get(prefix + "applied").map(s -> Long.parseLong(s.substring(0, s.indexOf(F)))).orElse(0L);
    }

    Versioned content(String key) {
        return items.getOrDefault(key, Versioned.ABSENT);
    }

    /**
     * Applies {@code w}, delivered at Lamport time {@code ts} from {@code origin}: the reply (Written or a 412) and,
     * when it changed the key, the new content (else null). The version is (ts, origin) when that is above the key's
     * version, else one more than it: versions grow along the total order either way.
     */
    Applied apply(WriteOp w, long ts, String origin) {
        Versioned now = content(w.key());
        Versioned.Write seen = now.writeOf(w.op());
        Object reply;
        Versioned next = null;
        if (seen != null) { // a repeat of a forwarded write already in the order: applied once
            reply = new KvReplies.Written(w.key(), seen.version(), w.delete(), Map.of());
        } else if (w.ifMatch() != null && (w.ifMatch().zero() ? now.present()
                : !now.present() || !now.version().equals(w.ifMatch()))) {
            reply = KvReplies.preconditionFailed(w.key(), w.ifMatch(), now);
        } else {
            Ballot stamp = new Ballot(ts, origin);
            Ballot version = stamp.isAfter(now.version()) ? stamp : new Ballot(now.version().counter() + 1, origin);
            next = now.next(version, w.delete() ? null : w.value(), w.op());
            disk.put(prefix + "k/" + StorageCodec.hex(w.key()), StorageCodec.encode(new AcceptorState(version, version, true, next)));
            if (now.tombstone()) tombstones--;
            if (next.tombstone()) tombstones++;
            items.put(w.key(), next);
            reply = new KvReplies.Written(w.key(), version, w.delete(), Map.of());
        }
        applied++;
        disk.put(prefix + "applied", applied + "" + F + ts + "." + origin + F + outcome(reply) + F + w.op());
        return new Applied(reply, next);
    }

    /** A write's outcome in one word: the version it made, or 412. */
    static String outcome(Object reply) {
        return reply instanceof KvReplies.Written x ? x.version().toString() : "412";
    }

    /** The reply to {@code w} applied earlier with {@code outcome}: the same version, or a 412 against the key now. */
    Object replyFor(WriteOp w, String outcome) {
        return outcome.equals("412") ? KvReplies.preconditionFailed(w.key(), w.ifMatch(), content(w.key()))
                : new KvReplies.Written(w.key(), Ballot.parse(outcome), w.delete(), Map.of());
    }

    record Applied(Object reply, Versioned changed) {
        boolean refused() {
            return reply instanceof Rejection;
        }
    }

    long applied() {
        return applied;
    }

    /** This replica's keys in the range, values only (deleted keys left out), in key order. */
    KeyPage list(KeyPage.Request r) {
        String prefix = r.prefix() == null ? "" : r.prefix();
        String from = r.after() != null && r.after().compareTo(prefix) >= 0 ? r.after() : prefix;
        List<KeyPage.Key> keys = new ArrayList<>();
        String next = null;
        for (Map.Entry<String, Versioned> e : items.tailMap(from, true).entrySet()) {
            if (!e.getKey().startsWith(prefix)) break;
            Versioned c = e.getValue();
            if (e.getKey().equals(r.after()) || !c.present()) continue;
            if (keys.size() == r.limit()) {
                next = keys.get(keys.size() - 1).key();
                break;
            }
            keys.add(new KeyPage.Key(e.getKey(), c.version(), c.value().length()));
        }
        return new KeyPage(keys, next, Map.of());
    }

    /** The key's state in the quorum mode's terms: what a replica holds is applied, so it shows as chosen. */
    AcceptorState state(String key) {
        Versioned c = content(key);
        return c.version().zero() ? AcceptorState.EMPTY : new AcceptorState(c.version(), c.version(), true, c);
    }

    boolean holds(String key) {
        return !content(key).version().zero();
    }

    int tombstones() {
        return tombstones;
    }

    TreeMap<String, Versioned> items() {
        return items;
    }

    /** What {@code disk} holds for active keyspace {@code keyspace}, key → content; for tests. */
    static TreeMap<String, Versioned> stored(Durable disk, String keyspace) {
        ActiveReplica r = new ActiveReplica(disk, keyspace);
        r.load();
        return r.items;
    }
}
