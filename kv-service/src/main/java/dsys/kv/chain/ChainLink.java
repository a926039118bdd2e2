package dsys.kv.chain;

import dsys.core.message.Message;
import dsys.kv.chain.ChainMessages.Entry;
import dsys.kv.chain.ChainMessages.Update;
import dsys.kv.chain.ChainMessages.UpdateAck;
import dsys.kv.quorum.ChosenListener;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * This member's links in the current view: it passes what it holds to its successors — the next member of a chain,
 * or every backup from a primary ({@link Shape}) — resending from a successor's last acknowledged position when an
 * update was lost, overtaken or the successor restarted; it takes updates from its predecessor and sends
 * acknowledgements back. {@code stable} is what every member holds, as far as this member knows: the tail's position
 * in a chain (by the prefix property everyone before it holds as much), the least backup's at a primary, and what the
 * primary last said at a backup. A write up to {@code stable} is acknowledged: the head answers its client, and every
 * member tells its watchers.
 */
final class ChainLink {

    /** What this member knows of one successor. */
    private static final class Down {
        final String node;
        long progress = -1;
        long sentUpTo = -1;
        long reach;
        long toldStable = -1;
        boolean ready;

        Down(String node) {
            this.node = node;
        }
    }

    private final String self;
    private final Shape shape;
    private final ChainReplica replica;
    private final ChainTimings timings;
    private final BiConsumer<String, Message> send;
    private final BooleanSupplier sealed;
    private final LongConsumer stableChanged;
    private ChosenListener listener = ChosenListener.NONE;
    /** Applied here, not yet known to be at every member: told to the watchers once it is. */
    private final TreeMap<Long, Entry> untold = new TreeMap<>();
    private final Map<String, Down> down = new LinkedHashMap<>();
    private View view;
    private String predecessor;
    private long readyAt = Long.MAX_VALUE;
    private long progress;
    private long stable;

    ChainLink(String self, Shape shape, ChainReplica replica, ChainTimings timings, BiConsumer<String, Message> send,
              BooleanSupplier sealed, LongConsumer stableChanged) {
        this.self = self;
        this.shape = shape;
        this.replica = replica;
        this.timings = timings;
        this.send = send;
        this.sealed = sealed;
        this.stableChanged = stableChanged;
    }

    void listener(ChosenListener l) {
        listener = l;
    }

    /** After a restart: the latest writes may not have been told before the crash; told again (watchers dedupe). */
    void recovered() {
        for (Entry e : replica.recent(1024)) untold.put(e.seq(), e);
    }

    /** A new view (or this node's start in one): positions, readiness and what the successors hold start over. */
    void enter(View v) {
        view = v;
        predecessor = shape.predecessor(v, self);
        down.clear();
        for (String s : shape.successors(v, self)) down.put(s, new Down(s));
        progress = replica.lastSeq();
        readyAt = v.head().equals(self) ? replica.lastSeq() : Long.MAX_VALUE;
        stable = 0;
        if (acknowledges()) advanceStable(replica.lastSeq());
        if (predecessor != null && !sealed.getAsBoolean()) ackUp(false); // the predecessor learns where to resume
    }

    /** What this member holds is at every member: the tail of a chain, or a primary without backups. */
    private boolean acknowledges() {
        return view != null && view.has(self) && down.isEmpty() && (shape == Shape.CHAIN || view.head().equals(self));
    }

    boolean ready() {
        return view != null && view.has(self) && replica.lastSeq() >= readyAt;
    }

    long stable() {
        return stable;
    }

    /** The head applied a write: pass it on (a member that acknowledges alone does at once). */
    void appended(Entry e) {
        untold.put(e.seq(), e);
        if (acknowledges()) advanceStable(replica.lastSeq());
        else for (Down d : down.values()) push(d);
    }

    /** Each tick: resend what a successor lacks (a backup: also how far the writes are stable), report upwards. */
    void tick() {
        if (view == null || !view.has(self) || sealed.getAsBoolean()) return;
        for (Down d : down.values()) {
            if (d.progress < replica.lastSeq() || !d.ready || (shape == Shape.STAR && d.toldStable < stable)) {
                d.sentUpTo = d.progress;
                push(d);
            }
        }
        if (predecessor != null) ackUp(false);
    }

    void onUpdate(String from, Update u) {
        if (view == null || u.epoch() != view.epoch() || !from.equals(predecessor) || sealed.getAsBoolean()) return;
        readyAt = u.readyAt();
        boolean gap = u.from() > progress;
        if (!gap && u.to() > progress) {
            for (Entry e : u.entries()) {
                if (replica.apply(e.key(), e.seq(), e.content())) untold.put(e.seq(), e);
            }
            progress = u.to();
            if (u.complete() && u.to() > replica.lastSeq()) replica.lastSeq(u.to());
        }
        if (acknowledges()) advanceStable(replica.lastSeq());
        else if (down.isEmpty()) advanceStable(Math.min(u.stable(), replica.lastSeq())); // a backup: as the primary says
        ackUp(gap);
        if (!gap) for (Down d : down.values()) push(d);
    }

    void onAck(String from, UpdateAck a) {
        Down d = down.get(from);
        if (view == null || a.epoch() != view.epoch() || d == null) return;
        d.progress = a.progress();
        d.ready = a.ready();
        if (a.gap() || d.sentUpTo < 0) {
            d.sentUpTo = a.progress();
            push(d);
        }
        if (a.stable() > d.reach) {
            d.reach = a.stable();
            long r = reach();
            if (r > stable) {
                advanceStable(r);
                if (predecessor != null) ackUp(false);
            }
        }
    }

    /** What every member from here on holds: this member's own position, or the least its successors reported. */
    private long reach() {
        if (down.isEmpty()) return replica.lastSeq();
        long r = Long.MAX_VALUE;
        for (Down d : down.values()) r = Math.min(r, d.reach);
        return r;
    }

    private void push(Down d) {
        if (sealed.getAsBoolean()) return;
        long last = replica.lastSeq();
        if (d.sentUpTo < 0) {
            // the successor's position is unknown (a new view, a restart): an empty update asks for it
            send.accept(d.node, new Update(view.epoch(), last, last, true, readyAt, stable, List.of()));
            d.toldStable = stable;
            return;
        }
        if (d.sentUpTo >= last && d.ready && (shape == Shape.CHAIN || d.toldStable >= stable)) return;
        List<Entry> page = replica.between(d.sentUpTo, last, timings.pageEntries(), timings.pageChars());
        boolean complete = page.isEmpty() || !replica.writtenBetween(page.get(page.size() - 1).seq(), last);
        long to = complete ? last : page.get(page.size() - 1).seq();
        send.accept(d.node, new Update(view.epoch(), d.sentUpTo, to, complete, readyAt, stable, page));
        d.sentUpTo = Math.max(d.sentUpTo, to);
        d.toldStable = stable;
    }

    private void ackUp(boolean gap) {
        send.accept(predecessor, new UpdateAck(view.epoch(), progress, replica.lastSeq(), reach(), ready(), gap));
    }

    private void advanceStable(long s) {
        if (s <= stable) return;
        stable = s;
        Map<Long, Entry> due = untold.headMap(s, true);
        for (Entry e : due.values()) {
            // a refused compare-and-set on a key never written leaves a record with no version: nothing to tell
            if (!e.content().version().zero()) listener.chosen(e.key(), e.content());
        }
        due.clear();
        stableChanged.accept(s);
    }
}
