package dsys.kv.chain;

import dsys.core.env.Durable;
import dsys.kv.chain.ChainMessages.Entry;
import dsys.kv.quorum.AcceptorState;
import dsys.kv.quorum.StorageCodec;
import dsys.kv.quorum.Versioned;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One node's copy of a chain keyspace, on its {@link Durable} storage: per key the newest content and the sequence
 * number of the write that made it (the head numbers writes in the order it takes them), and {@code lastSeq}: this
 * copy holds every write up to it (writes after it may be here too, from a catch-up in pages). Along a chain,
 * each member holds what its successor holds, and more (the chain's prefix property), so a successor is brought up
 * to date by sending it the keys whose sequence number lies past its {@code lastSeq}; an index by sequence number
 * finds them. Deletes are death certificates, kept: a rejoining node copies them like values, and the next write of
 * the key gets a higher version than the delete's.
 *
 * <p>Layout: {@code kvc/<keyspace>/k/<hex key>} → {@code seq}, a separator, then the content in the quorum mode's
 * encoding ({@link StorageCodec}); {@code kvc/<keyspace>/last} → lastSeq. The view, agreement state and copy
 * progress live beside them ({@link ViewAgreement}, {@link RejoinCopy}).
 */
final class ChainReplica {

    record Item(long seq, Versioned content) {
    }

    private static final char F = '\u001f';

    private final Durable disk;
    private final String prefix;
    private final TreeMap<String, Item> items = new TreeMap<>();
    private final TreeMap<Long, String> bySeq = new TreeMap<>();
    private long lastSeq;
    private int tombstones;

    ChainReplica(Durable disk, String keyspace) {
        this.disk = disk;
        this.prefix = prefix(keyspace);
    }

    static String prefix(String keyspace) {
        return "kvc/" + keyspace + "/";
    }

    void load() {
        items.clear();
        bySeq.clear();
        tombstones = 0;
        for (Map.Entry<String, String> e : disk.scan(prefix + "k/").entrySet()) {
            index(StorageCodec.unhex(e.getKey().substring(prefix.length() + 2)), decode(e.getValue()));
        }
        lastSeq = disk.get(prefix + "last").map(Long::parseLong).orElse(0L);
    }

    /** What a node's disk holds for {@code key} of a chain keyspace (null: nothing), for tests and tools. */
    static Item stored(Durable disk, String keyspace, String key) {
        return disk.get(prefix(keyspace) + "k/" + StorageCodec.hex(key)).map(ChainReplica::decode).orElse(null);
    }

    static long storedLastSeq(Durable disk, String keyspace) {
        return disk.get(prefix(keyspace) + "last").map(Long::parseLong).orElse(0L);
    }

    Item item(String key) {
        return items.get(key);
    }

    Versioned content(String key) {
        Item i = items.get(key);
        return i == null ? Versioned.ABSENT : i.content();
    }

    long lastSeq() {
        return lastSeq;
    }

    /** Stores {@code content} for {@code key} if {@code seq} is newer than what this copy has; true if it did. */
    boolean apply(String key, long seq, Versioned content) {
        Item old = items.get(key);
        if (old != null && old.seq() >= seq) return false;
        Item now = new Item(seq, content);
        disk.put(prefix + "k/" + StorageCodec.hex(key), encode(now));
        if (old != null) {
            bySeq.remove(old.seq());
            if (old.content().tombstone()) tombstones--;
        }
        index(key, now);
        return true;
    }

    void lastSeq(long seq) {
        if (seq == lastSeq) return;
        lastSeq = seq;
        disk.put(prefix + "last", Long.toString(seq));
    }

    /** Forgets everything (a rejoining node, before it copies the tail's state). */
    void wipe() {
        // The keys in memory are the keys on disk (load and apply write both): a scan would walk the node's whole
        // store, every keyspace, under its lock (JFR: a fifth of a loaded node's samples while it rejoined).
        for (String key : items.keySet()) disk.remove(prefix + "k/" + StorageCodec.hex(key));
        disk.remove(prefix + "last");
        items.clear();
        bySeq.clear();
        tombstones = 0;
        lastSeq = 0;
    }

    /**
     * The newest state of each key written in ({@code from}, {@code to}], in sequence order, at most a page's worth;
     * the caller learns where the page stops from the last entry's seq when it is short of {@code to}.
     */
    List<Entry> between(long from, long to, int maxEntries, long maxChars) {
        List<Entry> out = new ArrayList<>();
        long chars = 0;
        for (Map.Entry<Long, String> e : bySeq.subMap(from, false, to, true).entrySet()) {
            Item i = items.get(e.getValue());
            chars += e.getValue().length() + (i.content().value() == null ? 0 : i.content().value().length()) + 64;
            if (!out.isEmpty() && (out.size() >= maxEntries || chars > maxChars)) break;
            out.add(new Entry(e.getValue(), i.seq(), i.content()));
        }
        return out;
    }

    /** Whether some key's newest write lies in ({@code from}, {@code to}]. */
    boolean writtenBetween(long from, long to) {
        Long next = bySeq.higherKey(from);
        return next != null && next <= to;
    }

    /** Keys after {@code after} (null: from the first) in key order, with their state. */
    NavigableMap<String, Item> after(String after) {
        return after == null ? items : items.tailMap(after, false);
    }

    /** The newest state of the most recent writes (at most {@code n}), oldest first: told to watchers after a restart. */
    List<Entry> recent(int n) {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<Long, String> e : bySeq.descendingMap().entrySet()) {
            if (out.size() >= n) break;
            out.add(0, new Entry(e.getValue(), e.getKey(), items.get(e.getValue()).content()));
        }
        return out;
    }

    int size() {
        return items.size();
    }

    int tombstones() {
        return tombstones;
    }

    private void index(String key, Item i) {
        items.put(key, i);
        bySeq.put(i.seq(), key);
        if (i.content().tombstone()) tombstones++;
    }

    private static String encode(Item i) {
        Versioned c = i.content();
        return i.seq() + "" + F + StorageCodec.encode(new AcceptorState(c.version(), c.version(), true, c));
    }

    private static Item decode(String s) {
        int f = s.indexOf(F);
        return new Item(Long.parseLong(s.substring(0, f)), StorageCodec.decode(s.substring(f + 1)).content());
    }
}
