package dsys.kv.chain;

import dsys.core.message.Message;
import dsys.kv.chain.ChainMessages.Entry;
import dsys.kv.chain.ChainMessages.Update;
import dsys.kv.chain.ChainMessages.UpdateAck;
import dsys.kv.quorum.ChosenListener;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * This member's links in the current view: it passes what it holds down to its successor (updates, resent from the
 * successor's last acknowledged position when lost, overtaken or after a restart), takes updates from its
 * predecessor, and sends acknowledgements up. {@code stable} is what the tail holds, as far as this member knows: a
 * write up to it is at every member from here to the tail, and — by the prefix property — at every member before,
 * so it is acknowledged: the head answers its client, and every member tells its watchers.
 */
final class ChainLink {

    private final String self;
    private final ChainReplica replica;
    private final ChainTimings timings;
    private final BiConsumer<String, Message> send;
    private final BooleanSupplier sealed;
    private final LongConsumer stableChanged;
    private ChosenListener listener = ChosenListener.NONE;
    /** Applied here, not yet known to be at the tail: told to the watchers once it is. */
    private final TreeMap<Long, Entry> untold = new TreeMap<>();
    private View view;
    private String predecessor;
    private String successor;
    private long readyAt = Long.MAX_VALUE;
    private long progress;
    private long stable;
    private long succProgress = -1;
    private long sentUpTo = -1;
    private boolean succReady;

    ChainLink(String self, ChainReplica replica, ChainTimings timings, BiConsumer<String, Message> send,
              BooleanSupplier sealed, LongConsumer stableChanged) {
        this.self = self;
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

    /** A new view (or this node's start in one): positions, readiness and what the successor holds start over. */
    void enter(View v) {
        view = v;
        predecessor = v.predecessor(self);
        successor = v.successor(self);
        progress = replica.lastSeq();
        readyAt = v.head().equals(self) ? replica.lastSeq() : Long.MAX_VALUE;
        succProgress = -1;
        sentUpTo = -1;
        succReady = false;
        stable = 0;
        advanceStable(successor == null && v.has(self) ? replica.lastSeq() : 0);
        if (predecessor != null && !sealed.getAsBoolean()) ackUp(false); // the predecessor learns where to resume
    }

    boolean ready() {
        return view != null && view.has(self) && replica.lastSeq() >= readyAt;
    }

    long stable() {
        return stable;
    }

    /** The head applied a write: pass it on (the tail of a one-member chain acknowledges it at once). */
    void appended(Entry e) {
        untold.put(e.seq(), e);
        if (successor == null) advanceStable(replica.lastSeq());
        else push();
    }

    /** Each tick: resend what the successor lacks, and tell the predecessor where this member stands. */
    void tick() {
        if (view == null || !view.has(self) || sealed.getAsBoolean()) return;
        if (successor != null && (succProgress < replica.lastSeq() || !succReady)) {
            sentUpTo = succProgress;
            push();
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
        if (successor == null) advanceStable(replica.lastSeq());
        ackUp(gap);
        if (successor != null && !gap) push();
    }

    void onAck(String from, UpdateAck a) {
        if (view == null || a.epoch() != view.epoch() || !from.equals(successor)) return;
        succProgress = a.progress();
        succReady = a.ready();
        if (a.gap() || sentUpTo < 0) {
            sentUpTo = a.progress();
            push();
        }
        if (a.stable() > stable) {
            advanceStable(a.stable());
            if (predecessor != null) ackUp(false);
        }
    }

    private void push() {
        if (successor == null || sealed.getAsBoolean()) return;
        long last = replica.lastSeq();
        if (sentUpTo < 0) {
            // the successor's position is unknown (a new view, a restart): an empty update asks for it
            send.accept(successor, new Update(view.epoch(), last, last, true, readyAt, List.of()));
            return;
        }
        if (sentUpTo >= last && succReady) return;
        List<Entry> page = replica.between(sentUpTo, last, timings.pageEntries(), timings.pageChars());
        boolean complete = page.isEmpty() || !replica.writtenBetween(page.get(page.size() - 1).seq(), last);
        long to = complete ? last : page.get(page.size() - 1).seq();
        send.accept(successor, new Update(view.epoch(), sentUpTo, to, complete, readyAt, page));
        sentUpTo = to;
    }

    private void ackUp(boolean gap) {
        send.accept(predecessor, new UpdateAck(view.epoch(), progress, replica.lastSeq(), stable, ready(), gap));
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
