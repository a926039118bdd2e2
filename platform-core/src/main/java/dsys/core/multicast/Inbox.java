package dsys.core.multicast;

import dsys.core.env.Durable;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The receiving side every scheme shares: per origin, the next number to deliver (on disk, written in the step that
 * delivers, so a crash neither loses nor repeats a delivery), the messages that came early (memory only: they come
 * again), and the newest number known to exist. A number between the next and the newest that is not here is a gap.
 */
final class Inbox {

    /** Gaps are reported at most this many at a time per origin, so one long absence cannot flood the group. */
    static final int MAX_GAPS = 64;

    private final Durable disk;
    private final String prefix;
    private final Consumer<Delivery> deliver;
    private final Map<String, Long> next = new HashMap<>();
    private final Map<String, TreeMap<Long, String>> early = new HashMap<>();
    private final Map<String, Long> highest = new HashMap<>();

    Inbox(Durable disk, String prefix, Consumer<Delivery> deliver) {
        this.disk = disk;
        this.prefix = prefix;
        this.deliver = deliver;
    }

    /** The next number to deliver from {@code origin} (1 before the first). */
    long next(String origin) {
        return next.computeIfAbsent(origin, o -> disk.get(prefix + "r." + o).map(Long::parseLong).orElse(1L));
    }

    /** Everything from {@code origin} up to this number has been delivered. */
    long delivered(String origin) {
        return next(origin) - 1;
    }

    boolean has(String origin, long seq) {
        if (seq < next(origin)) return true;
        TreeMap<Long, String> waiting = early.get(origin);
        return waiting != null && waiting.containsKey(seq);
    }

    /** Takes a message; false when it was already here. Delivers whatever became contiguous. */
    boolean receive(String origin, long seq, String payload) {
        if (has(origin, seq)) return false;
        noteHighest(origin, seq);
        TreeMap<Long, String> waiting = early.computeIfAbsent(origin, o -> new TreeMap<>());
        waiting.put(seq, payload);
        long n = next(origin);
        while (!waiting.isEmpty() && waiting.firstKey() == n) {
            String p = waiting.pollFirstEntry().getValue();
            next.put(origin, ++n);
            disk.put(prefix + "r." + origin, Long.toString(n));
            deliver.accept(new Delivery(NodeId.of(origin), n - 1, p));
        }
        return true;
    }

    void noteHighest(String origin, long seq) {
        highest.merge(origin, seq, Math::max);
    }

    long highest(String origin) {
        return Math.max(highest.getOrDefault(origin, 0L), delivered(origin));
    }

    /** The numbers of {@code origin} known to exist and not here, oldest first (at most {@link #MAX_GAPS}). */
    List<Long> gaps(String origin) {
        List<Long> out = new ArrayList<>();
        TreeMap<Long, String> waiting = early.getOrDefault(origin, new TreeMap<>());
        for (long s = next(origin); s <= highest(origin) && out.size() < MAX_GAPS; s++) {
            if (!waiting.containsKey(s)) out.add(s);
        }
        return out;
    }

    /** Origins this member has heard of, in name order. */
    List<String> origins() {
        return new ArrayList<>(new java.util.TreeSet<>(highest.keySet()));
    }
}
