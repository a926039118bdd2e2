package dsys.core.checkpoint.live;

import dsys.core.checkpoint.live.Control.CheckpointAck;
import dsys.core.checkpoint.live.Control.CheckpointDone;
import dsys.core.checkpoint.live.Control.CheckpointRequest;
import dsys.core.checkpoint.live.Control.DoneAck;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The coordinator of a two-phase blocking round ({@link BlockingSide} is a node's part): CHECKPOINT_REQUEST to every
 * node; once every one has acknowledged (its tentative checkpoint on disk, its sends held back), the round's outcome
 * is logged (the commit point: the global checkpoint exists) and CHECKPOINT_DONE lets everyone go on. A round that
 * lacks an acknowledgement at {@link InitiatorTiming#roundTimeout()} is aborted; a coordinator that crashes with a
 * round undecided aborts it when it is back. DONE is repeated for a while after the answer; the next round's
 * request carries the outcome to whoever missed it.
 */
final class CoordinatedRound extends InitiatorOp {

    private enum Phase { COLLECTING, FINISHING, DONE }

    private long round;
    private long takenAt;
    private boolean commit;
    private Phase phase = Phase.COLLECTING;
    private final TreeMap<NodeId, Views.LocalSummary> acks = new TreeMap<>();
    private final TreeSet<NodeId> doneAcks = new TreeSet<>();

    CoordinatedRound(CheckpointInitiator in, RequestId request) {
        super(in, request);
    }

    /** Back from a crash with {@code round} undecided: it is aborted, and everyone told. */
    static CoordinatedRound abortAfterCrash(CheckpointInitiator in, long round) {
        CoordinatedRound r = new CoordinatedRound(in, null);
        r.round = round;
        r.decide(false, "the coordinator restarted before every node acknowledged");
        return r;
    }

    @Override
    void start() {
        round = in.next("rounds");
        takenAt = in.clockMillis();
        in.active("round|" + round);
        in.env.emit("checkpoint.request", Map.of("round", round, "nodes", in.nodes.size()));
        long previous = in.number("decided");
        boolean committed = previous > 0 && in.number("committed") == previous;
        for (NodeId p : in.nodes) send(p, new CheckpointRequest(round, previous, committed));
        in.env.crashPoint(CheckpointInitiator.AFTER_REQUEST_SENT);
        after(in.timing.retry(), "retry");
        after(in.timing.roundTimeout(), "deadline");
    }

    static String id(long round) {
        return "coordinated-" + round;
    }

    @Override
    void onMessage(NodeId from, Message m) {
        if (m instanceof CheckpointAck a && a.round() == round && phase == Phase.COLLECTING) {
            heard(m);
            acks.putIfAbsent(from, a.state());
            if (acks.size() == in.nodes.size()) decide(true, null);
        } else if (m instanceof DoneAck d && d.round() == round && phase == Phase.FINISHING) {
            heard(m);
            doneAcks.add(from);
            if (doneAcks.size() == in.nodes.size()) {
                phase = Phase.DONE;
                in.finished(this);
            }
        }
    }

    /** Logs the outcome (for a commit, the global checkpoint with it, in the same step), answers, sends DONE. */
    private void decide(boolean commit, String why) {
        this.commit = commit;
        in.env.storage().put(CheckpointInitiator.P + "decided", Long.toString(round));
        if (commit) {
            in.env.storage().put(CheckpointInitiator.P + "committed", Long.toString(round));
            Views.GlobalCheckpoint g = new Views.GlobalCheckpoint(id(round), Algorithm.COORDINATED.label(), in.epoch,
                    takenAt, true, true, List.copyOf(acks.values()), List.of(), null, null, List.of(), messages());
            in.catalog.add(g);
            in.active(null);
            in.env.emit("checkpoint.global", Map.of("round", round));
            answer(g);
        } else {
            in.active(null);
            in.env.emit("checkpoint.round-aborted", Map.of("round", round, "why", why));
            answer(new Rejection(503, "checkpoint-aborted", "Checkpoint aborted", "coordinated round " + round
                    + " aborted: " + why + "; every tentative checkpoint is discarded and sending resumes"));
        }
        phase = Phase.FINISHING;
        for (NodeId p : in.nodes) send(p, new CheckpointDone(round, commit));
        in.background(this);
        after(in.timing.retry(), "retry");
        after(in.timing.roundTimeout(), "give-up");
    }

    @Override
    void onTimer(String kind) {
        if (phase == Phase.DONE) return;
        if (kind.equals("retry")) {
            for (NodeId p : in.nodes) {
                if (phase == Phase.COLLECTING && !acks.containsKey(p)) send(p, new CheckpointRequest(round, 0, false));
                else if (phase == Phase.FINISHING && !doneAcks.contains(p)) send(p, new CheckpointDone(round, commit));
            }
            after(in.timing.retry(), "retry");
        } else if (kind.equals("deadline") && phase == Phase.COLLECTING) {
            TreeSet<String> missing = new TreeSet<>();
            for (NodeId p : in.nodes) if (!acks.containsKey(p)) missing.add(p.value());
            decide(false, "no acknowledgement from " + missing + " within " + in.timing.roundTimeout().toMillis() + " ms");
        } else if (kind.equals("give-up") && phase == Phase.FINISHING) {
            phase = Phase.DONE; // whoever missed DONE learns the outcome from the next request
            in.finished(this);
        }
    }

    @Override
    public String toString() {
        return "coordinated round " + round;
    }
}
