package dsys.core.multicast;

import dsys.core.env.Durable;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The history buffer: messages kept for retransmission, by origin and sequence number, on disk (a sender that
 * crashes and comes back still owes its receivers what it sent), plus the next number this member gives its own
 * messages. When each message was stored is kept in memory only: after a restart the retention starts again.
 */
final class History {

    private record Entry(String payload, long storedAt) {
    }

    private final Durable disk;
    private final String prefix;
    private final Map<String, TreeMap<Long, Entry>> byOrigin = new TreeMap<>();
    private long nextSeq = 1;

    History(Durable disk, String prefix) {
        this.disk = disk;
        this.prefix = prefix;
    }

    /** Reads what the disk holds; everything counts as stored {@code now}. */
    void load(long now) {
        byOrigin.clear();
        nextSeq = disk.get(prefix + "seq").map(Long::parseLong).orElse(1L);
        for (Map.Entry<String, String> e : disk.scan(prefix + "h.").entrySet()) {
            String key = e.getKey().substring(prefix.length() + 2);
            int dot = key.lastIndexOf('.');
            buffer(key.substring(0, dot)).put(Long.parseLong(key.substring(dot + 1)), new Entry(e.getValue(), now));
        }
    }

    /** Numbers a new message of this member (durably, so no number is ever given twice). */
    long takeSeq() {
        long seq = nextSeq++;
        disk.put(prefix + "seq", Long.toString(nextSeq));
        return seq;
    }

    /** The newest number this member gave (0: none yet). */
    long lastSeq() {
        return nextSeq - 1;
    }

    void put(String origin, long seq, String payload, long now) {
        if (buffer(origin).putIfAbsent(seq, new Entry(payload, now)) == null) disk.put(key(origin, seq), payload);
    }

    /** The payload, or null when it is not (or no longer) kept. */
    String get(String origin, long seq) {
        TreeMap<Long, Entry> b = byOrigin.get(origin);
        Entry e = b == null ? null : b.get(seq);
        return e == null ? null : e.payload;
    }

    /** The kept messages of {@code origin} numbered above {@code after}, in order. */
    NavigableMap<Long, String> after(String origin, long after) {
        return after(origin, after, Long.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** The same, only those stored before {@code storedBefore}, at most {@code limit} of them. */
    NavigableMap<Long, String> after(String origin, long after, long storedBefore, int limit) {
        TreeMap<Long, String> out = new TreeMap<>();
        TreeMap<Long, Entry> b = byOrigin.get(origin);
        if (b == null) return out;
        for (Map.Entry<Long, Entry> e : b.tailMap(after, false).entrySet()) {
            if (out.size() >= limit) break;
            if (e.getValue().storedAt < storedBefore) out.put(e.getKey(), e.getValue().payload);
        }
        return out;
    }

    /** Drops the messages of {@code origin} up to {@code upTo} (everyone has them). */
    void removeUpTo(String origin, long upTo) {
        TreeMap<Long, Entry> b = byOrigin.get(origin);
        if (b == null) return;
        while (!b.isEmpty() && b.firstKey() <= upTo) disk.remove(key(origin, b.pollFirstEntry().getKey()));
    }

    /** Drops what was stored before {@code cutoff}: kept long enough for anyone to ask. */
    void expire(long cutoff) {
        for (Map.Entry<String, TreeMap<Long, Entry>> o : byOrigin.entrySet()) {
            TreeMap<Long, Entry> b = o.getValue();
            b.entrySet().removeIf(e -> {
                if (e.getValue().storedAt >= cutoff) return false;
                disk.remove(key(o.getKey(), e.getKey()));
                return true;
            });
        }
    }

    boolean isEmpty() {
        return byOrigin.values().stream().allMatch(TreeMap::isEmpty);
    }

    int size() {
        return byOrigin.values().stream().mapToInt(TreeMap::size).sum();
    }

    private TreeMap<Long, Entry> buffer(String origin) {
        return byOrigin.computeIfAbsent(origin, o -> new TreeMap<>());
    }

    private String key(String origin, long seq) {
        return prefix + "h." + origin + "." + String.format("%019d", seq);
    }
}
