package dsys.platform.events;

import dsys.core.clock.VectorTime;
import dsys.core.message.Envelope;
import dsys.core.sim.JournalEntry;

import java.util.ArrayList;
import java.util.List;

/**
 * The node's recent message journal (the simulator's format, docs/conventions.md): every send and receive with
 * the Lamport and vector time right after it, for the console's space-time diagram.
 *
 * <p>It records only while someone reads it ({@link #WATCH_NANOS} after the last read): messages are the hot path
 * of every benchmark, and an unwatched journal costs one volatile read per message, nothing else.
 */
public final class MessageJournal {

    static final int CAPACITY = 4096;
    static final long WATCH_NANOS = 120_000_000_000L;

    /** A journal line and its place in this node's journal (a reader asks for what came after its last seq). */
    public record Numbered(long seq, JournalEntry entry) {
    }

    private final JournalEntry[] ring = new JournalEntry[CAPACITY];
    private long next; // seq of the next entry; guarded by this
    private volatile long watchedUntil = System.nanoTime(); // nanoTime's origin is arbitrary: never compare with 0

    /** Called by a reader: keeps recording for the next two minutes. */
    public void watch() {
        watchedUntil = System.nanoTime() + WATCH_NANOS;
    }

    public boolean recording() {
        return System.nanoTime() - watchedUntil < 0;
    }

    public void sent(Envelope e) {
        if (recording()) add("send", e.from().value(), e.to().value(), e, e.lamport(), e.vector());
    }

    /** {@code lamport} and {@code vector}: the receiver's clocks after merging the envelope's. */
    public void received(Envelope e, long lamport, VectorTime vector) {
        if (recording()) add("receive", e.to().value(), e.from().value(), e, lamport, vector);
    }

    private void add(String event, String node, String peer, Envelope e, long lamport, VectorTime vector) {
        JournalEntry j = new JournalEntry(event, node, peer, e.id(), e.type(), lamport, vector,
                System.currentTimeMillis() * 1_000_000L);
        synchronized (this) {
            ring[(int) (next % CAPACITY)] = j;
            next++;
        }
    }

    /** Up to {@code limit} entries with seq greater than {@code after}, oldest first (older ones may be overwritten). */
    public synchronized List<Numbered> after(long after, int limit) {
        long from = Math.max(Math.max(after + 1, 0), next - CAPACITY);
        long to = Math.min(next, from + limit);
        List<Numbered> out = new ArrayList<>((int) Math.max(0, to - from));
        for (long s = from; s < to; s++) out.add(new Numbered(s, ring[(int) (s % CAPACITY)]));
        return out;
    }

    /** The seq the next entry will get: a reader starting now asks for what comes after {@code next() - 1}. */
    public synchronized long next() {
        return next;
    }
}
