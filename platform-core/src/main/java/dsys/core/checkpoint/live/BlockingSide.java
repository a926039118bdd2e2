package dsys.core.checkpoint.live;

import dsys.core.checkpoint.live.Control.CheckpointAck;
import dsys.core.checkpoint.live.Control.CheckpointDone;
import dsys.core.checkpoint.live.Control.CheckpointRequest;
import dsys.core.checkpoint.live.Control.DoneAck;
import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A node's part in coordinated checkpoints, two-phase blocking (the notes' 两阶段阻塞算法): on CHECKPOINT_REQUEST
 * it writes a tentative checkpoint, holds back every message the wrapped core sends (receiving goes on), and
 * acknowledges; CHECKPOINT_DONE makes the checkpoint permanent or discards it, and what was held back goes out. As
 * nobody sends between its checkpoint and the round's end, no message sent after one node's checkpoint is received
 * before another's: the global checkpoint has no orphan. Messages in flight across it are not recorded; restoring
 * it loses them, which the wrapped core must survive as it survives a lossy network. A node blocks at most
 * {@link ParticipantConfig#blockLimit()}; after that the round is decided (the initiator aborts one that lacks an
 * acknowledgement well before), so sending again is safe, though the outcome may not have arrived: the tentative
 * checkpoint waits for it (or for the next round's request, which carries it).
 */
final class BlockingSide {

    /** The block limit of {@code round}. */
    record Limit(long round) {
    }

    static final int MAX_HELD = 10_000;

    private final CheckpointedCore core;
    private long blockedIn = -1;
    private final List<Arrival> held = new ArrayList<>();
    private int dropped;
    private TimerId limit;

    BlockingSide(CheckpointedCore core) {
        this.core = core;
    }

    boolean blocked() {
        return blockedIn >= 0;
    }

    /** Back from a crash with an acknowledged round undecided: block again until it is. */
    void load() {
        for (LocalMeta m : core.store.metas('c')) if (m.status().equals("tentative")) block(m.number());
    }

    /** True when the send is held back (or, past {@link #MAX_HELD}, dropped: the wrapped core survives a loss). */
    boolean hold(NodeId to, Message m) {
        if (blockedIn < 0) return false;
        if (held.size() < MAX_HELD) held.add(new Arrival(to, m));
        else dropped++;
        return true;
    }

    void onRequest(CheckpointRequest r) {
        if (r.previous() > 0) resolve(r.previous(), r.previousCommitted());
        Optional<LocalMeta> have = core.store.meta(local(r.round()));
        if (have.isPresent()) { // a repeated request, or one from before this node's crash
            if (have.get().status().equals("tentative")) {
                if (blockedIn != r.round()) block(r.round());
                core.toInitiator(new CheckpointAck(r.round(), have.get().summary()));
            }
            return;
        }
        if (r.round() <= core.store.numberOr("round", 0)) return; // decided already: a late copy
        LocalMeta m = core.store.copy(local(r.round()), r.round(), "tentative", List.of());
        block(r.round());
        core.env.emit("checkpoint.tentative", Map.of("round", r.round(), "entries", m.summary().entries()));
        core.env.crashPoint(CheckpointedCore.AFTER_TENTATIVE);
        core.toInitiator(new CheckpointAck(r.round(), m.summary()));
    }

    void onDone(CheckpointDone d) {
        resolve(d.round(), d.commit());
        core.toInitiator(new DoneAck(d.round()));
    }

    private void resolve(long round, boolean commit) {
        Optional<LocalMeta> t = core.store.meta(local(round)).filter(m -> m.status().equals("tentative"));
        if (t.isPresent()) {
            if (commit) {
                core.store.put(t.get().withStatus("permanent"));
                core.env.emit("checkpoint.permanent", Map.of("round", round));
                core.trim('c', m -> m.status().equals("permanent"));
            } else {
                core.store.delete(t.get().local());
                core.env.emit("checkpoint.discarded", Map.of("round", round));
            }
        }
        if (round > core.store.numberOr("round", 0)) core.store.setNumber("round", round);
        if (blockedIn == round) unblock("CHECKPOINT_DONE");
    }

    private void block(long round) {
        blockedIn = round;
        if (limit != null) core.env.cancel(limit);
        limit = core.env.after(core.config.blockLimit(), new Limit(round));
    }

    void onLimit(Limit l) {
        if (l.round() == blockedIn) unblock("the block limit passed before CHECKPOINT_DONE came");
    }

    private void unblock(String why) {
        long round = blockedIn;
        blockedIn = -1;
        if (limit != null) core.env.cancel(limit);
        limit = null;
        List<Arrival> out = new ArrayList<>(held);
        held.clear();
        core.env.emit("checkpoint.send-resumed", Map.of("round", round, "held", out.size(), "dropped", dropped, "why", why));
        dropped = 0;
        for (Arrival a : out) core.release(a.node(), a.message());
    }

    /** A restore: what was held back belongs to the abandoned run, and an undecided round's checkpoint goes with it. */
    void reset() {
        held.clear();
        dropped = 0;
        blockedIn = -1;
        if (limit != null) core.env.cancel(limit);
        limit = null;
        for (LocalMeta m : core.store.metas('c')) if (m.status().equals("tentative")) core.store.delete(m.local());
    }

    static String local(long round) {
        return "c" + round;
    }
}
