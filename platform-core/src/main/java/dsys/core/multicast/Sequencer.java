package dsys.core.multicast;

import dsys.core.multicast.AtomicMessages.Ordered;
import dsys.core.multicast.AtomicMessages.Submit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The view coordinator's ordering of one view's messages: it numbers submissions in each origin's own order (so the
 * total order is FIFO too), keeps what it ordered until every member has acknowledged it (stable), and says what a
 * member still lacks. A new view starts a new sequencer from what everyone delivered up to its install.
 */
final class Sequencer {

    private final View view;
    private final Map<String, Long> ordered;
    private final Map<String, TreeMap<Long, Submit>> early = new HashMap<>();
    private final TreeMap<Long, Ordered> log = new TreeMap<>();
    private final Map<String, Long> acked = new HashMap<>();
    private long last;
    private long stable;

    /** {@code delivered}: per origin, how many of its messages every member of the view has delivered. */
    Sequencer(View view, Map<String, Long> delivered) {
        this.view = view;
        this.ordered = new HashMap<>(delivered);
    }

    /** Takes a submission; the messages that this ordered, in order (none for a repeat or one that came early). */
    List<Ordered> submit(Submit s) {
        List<Ordered> out = new ArrayList<>();
        long done = ordered.getOrDefault(s.origin(), 0L);
        if (s.seq() <= done) return out;
        TreeMap<Long, Submit> waiting = early.computeIfAbsent(s.origin(), o -> new TreeMap<>());
        waiting.put(s.seq(), s);
        while (!waiting.isEmpty() && waiting.firstKey() == done + 1) {
            Submit next = waiting.pollFirstEntry().getValue();
            Ordered o = new Ordered(view.id(), ++last, next.origin(), next.seq(), next.payload());
            log.put(o.position(), o);
            out.add(o);
            ordered.put(s.origin(), ++done);
        }
        return out;
    }

    /** Records that {@code member} has everything up to {@code upTo}; true when that made more messages stable. */
    boolean ack(String member, long upTo) {
        acked.merge(member, Math.min(upTo, last), Math::max);
        long min = last;
        for (String m : view.members()) min = Math.min(min, acked.getOrDefault(m, 0L));
        if (min <= stable) return false;
        stable = min;
        log.headMap(stable, true).clear();
        return true;
    }

    long stable() {
        return stable;
    }

    /** What {@code member} has not acknowledged, oldest first, at most {@code limit}. */
    List<Ordered> missing(String member, int limit) {
        NavigableMap<Long, Ordered> tail = log.tailMap(acked.getOrDefault(member, 0L), false);
        return tail.values().stream().limit(limit).toList();
    }
}
