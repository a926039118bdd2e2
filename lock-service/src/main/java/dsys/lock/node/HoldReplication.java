package dsys.lock.node;

import dsys.core.env.Env;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import dsys.lock.lease.HoldInfo;
import dsys.lock.lease.HoldKey;
import dsys.lock.lease.HoldRecords;
import dsys.lock.node.NodeMessages.HoldEnded;
import dsys.lock.node.NodeMessages.HoldRecorded;
import dsys.lock.node.NodeMessages.RecordHold;
import dsys.lock.quorum.EpochManager;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A grant or renewal is answered only once a majority of the nodes (this one included) recorded the hold, each
 * in this node's current epoch with no newer promise. Why: a new epoch needs a majority of promises, any two
 * majorities meet, and a recorder refuses once it promised something newer, so some promiser of every later epoch
 * reports the hold ({@link EpochManager}'s {@code known}) — also when this node has crashed. The new epoch then
 * withholds just those names until their leases can have ended, instead of every name for a whole maximal lease.
 * <p>
 * Costs one round trip to the nearest other node per grant and renewal (sent at once, not counted as algorithm
 * traffic) and one fsync at the recorder (group-committed). A grant no majority recorded before the client's wait
 * (or its lease) ran out is given back: the client never heard of it. A lost {@link HoldEnded} only keeps a
 * record until its own end.
 */
final class HoldReplication {

    record Retry(long seq) {
    }

    private final class Pending {
        final HoldInfo hold;
        final long epoch;
        final long deadlineNanos;
        final Set<NodeId> acked = new HashSet<>();
        final Runnable answer;
        final Runnable giveUp;

        Pending(HoldInfo hold, long deadlineNanos, Runnable answer, Runnable giveUp) {
            this.hold = hold;
            this.epoch = epochs.current().number();
            this.deadlineNanos = deadlineNanos;
            this.answer = answer;
            this.giveUp = giveUp;
        }
    }

    private final Env env;
    private final LockConfig config;
    private final EpochManager epochs;
    private final HoldRecords records;
    private final LockNodeCore node;
    private final Map<Long, Pending> pending = new HashMap<>();
    /**
     * Holds whose only other record is the granting coordinator's (no RecordHold went out): when such a
     * hold ends in its own epoch, the algorithm's Release reaches that coordinator and drops the record, so no
     * HoldEnded is sent; in a later epoch (no Release then) it goes to that recorder alone.
     */
    private final Map<HoldKey, Quiet> quiet = new HashMap<>();

    private record Quiet(NodeId recorder, long epoch) {
    }
    /** Starts anywhere: an acknowledgement sent to an earlier start of this node must not match a new request. */
    private long seq;

    HoldReplication(Env env, LockConfig config, EpochManager epochs, HoldRecords records, LockNodeCore node) {
        this.env = env;
        this.config = config;
        this.epochs = epochs;
        this.records = records;
        this.node = node;
        this.seq = env.random().nextLong() >>> 2;
    }

    /**
     * Records {@code hold} at a majority, then runs {@code answer}; runs {@code giveUp} instead if that has not
     * happened by {@code deadlineNanos}, the epoch changed, or the hold ended meanwhile.
     */
    void replicate(HoldInfo hold, long deadlineNanos, Runnable answer, Runnable giveUp) {
        replicate(hold, deadlineNanos, answer, giveUp, null);
    }

    /** As above, counting {@code recordedBy} (null: none), which recorded the hold already (its grant said so). */
    void replicate(HoldInfo hold, long deadlineNanos, Runnable answer, Runnable giveUp, NodeId recordedBy) {
        Pending p = new Pending(hold, deadlineNanos, answer, giveUp);
        if (recordedBy != null && !recordedBy.equals(env.self())) p.acked.add(recordedBy);
        long s = ++seq;
        if (needed(p) == 0) {
            if (!p.acked.isEmpty()) quiet.put(HoldKey.of(hold), new Quiet(recordedBy, p.epoch));
            answer.run();
            return;
        }
        pending.put(s, p);
        send(s, p);
        env.after(Duration.ofMillis(config.retryMs()), new Retry(s));
    }

    /** The hold ended here: recorders may forget it; an answer still waiting for records is dropped. */
    void ended(HoldKey hold) {
        List<Pending> dropped = new ArrayList<>();
        pending.values().removeIf(p -> HoldKey.of(p.hold).equals(hold) && dropped.add(p));
        dropped.forEach(p -> p.giveUp.run());
        Quiet q = quiet.remove(hold);
        if (q == null) {
            for (NodeId peer : env.members().others(env.self())) node.transmit(peer, new HoldEnded(hold.name(), hold.token()));
        } else if (epochs.current().number() != q.epoch()) {
            node.transmit(q.recorder(), new HoldEnded(hold.name(), hold.token()));
        }
    }

    private int needed(Pending p) {
        return env.members().size() / 2 - p.acked.size();  // a majority with this node
    }

    private void send(long s, Pending p) {
        // always the epoch of the grant or renewal: a recorder already in a later epoch promised it without this
        // record, and that epoch may have been committed not knowing the hold
        quiet.remove(HoldKey.of(p.hold)); // a renewal's records went to everyone: its end must too
        RecordHold m = new RecordHold(p.epoch, s, p.hold);
        for (NodeId peer : env.members().others(env.self())) {
            if (!p.acked.contains(peer)) node.transmit(peer, m);
        }
    }

    /**
     * Records a hold this node grants to another node's client, as a {@link RecordHold} would, in the step that
     * sends the grant (the host writes it to disk before the grant leaves): under the same rule, in the current
     * epoch and not in limbo. True when recorded.
     */
    boolean recordHere(HoldInfo hold, long epoch) {
        if (epochs.inLimbo() || epochs.current().number() != epoch) return false;
        records.record(hold, env.nanoTime());
        return true;
    }

    /** Drops a record made by {@link #recordHere} (the grant was given back or released). */
    void forget(HoldKey hold) {
        records.ended(hold);
    }

    boolean handles(Message m) {
        return m instanceof RecordHold || m instanceof HoldRecorded || m instanceof HoldEnded;
    }

    void onMessage(NodeId from, Message m) {
        long now = env.nanoTime();
        if (m instanceof RecordHold r) {
            // refused after a newer promise: the promise (already sent) would not report it
            if (epochs.inLimbo() || epochs.current().number() != r.epoch()) return;
            records.record(r.hold(), now);
            node.transmit(from, new HoldRecorded(r.seq(), r.hold().token()));
        } else if (m instanceof HoldRecorded a) {
            Pending p = pending.get(a.seq());
            if (p == null || p.hold.token() != a.token()) return;
            p.acked.add(from);
            if (needed(p) <= 0) {
                pending.remove(a.seq());
                p.answer.run();
            }
        } else if (m instanceof HoldEnded e) {
            records.ended(new HoldKey(e.name(), e.token()));
        }
    }

    boolean handlesTimer(Object t) {
        return t instanceof Retry;
    }

    void onTimer(Object t) {
        if (!(t instanceof Retry r)) return;
        Pending p = pending.get(r.seq());
        if (p == null) return;
        if (env.nanoTime() >= p.deadlineNanos || epochs.current().number() != p.epoch) {
            pending.remove(r.seq());
            env.emit("lock.record-failed", Map.of("name", p.hold.name(), "token", p.hold.token(),
                    "recorders", p.acked.size()));
            p.giveUp.run();
            return;
        }
        send(r.seq(), p);
        env.after(Duration.ofMillis(config.retryMs()), new Retry(r.seq()));
    }
}
