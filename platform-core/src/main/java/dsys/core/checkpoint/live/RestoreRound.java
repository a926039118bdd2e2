package dsys.core.checkpoint.live;

import dsys.core.checkpoint.live.Control.RestoreDone;
import dsys.core.checkpoint.live.Control.RestoreOrder;
import dsys.core.checkpoint.live.Control.RestorePrepare;
import dsys.core.checkpoint.live.Control.RestoreReady;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rolls every node back to a global checkpoint, in two phases so that nobody moves unless everybody can: first
 * each node is asked whether it holds its part (nothing changes; a node that does not, or does not answer, stops
 * the restore there), then the new epoch is logged and every node is ordered to restore and run in it. Orders go
 * again until every node has confirmed, after the answer too (then with the nodes still pending named), and after
 * a crash of the initiator.
 */
final class RestoreRound extends InitiatorOp {

    private enum Phase { PREPARING, ORDERING, DONE }

    private final Views.GlobalCheckpoint g;
    private long epoch;
    private Phase phase = Phase.PREPARING;
    private final TreeSet<NodeId> ready = new TreeSet<>();
    private final TreeMap<NodeId, Views.RestoredPart> done = new TreeMap<>();
    private final List<String> problems = new ArrayList<>();

    RestoreRound(CheckpointInitiator in, RequestId request, Views.GlobalCheckpoint g) {
        super(in, request);
        this.g = g;
    }

    static RestoreRound resume(CheckpointInitiator in, Views.GlobalCheckpoint g, long epoch) {
        RestoreRound r = new RestoreRound(in, null, g);
        r.epoch = epoch;
        r.order();
        return r;
    }

    @Override
    boolean holdsOthers() {
        return phase == Phase.ORDERING;
    }

    private String local(NodeId p) {
        Views.LocalSummary s = g.part(p.value());
        return s == null ? null : s.local();
    }

    @Override
    void start() {
        if (!g.restorable()) {
            answer(Rejection.conflict("checkpoint-incomplete", g.id() + " cannot be restored: " + g.problems()));
            phase = Phase.DONE;
            in.finished(this);
            return;
        }
        epoch = in.epoch + 1;
        for (NodeId p : in.nodes) send(p, new RestorePrepare(g.id(), local(p)));
        after(in.timing.retry(), "retry");
        after(in.timing.restoreDeadline(), "deadline");
    }

    @Override
    void onMessage(NodeId from, Message m) {
        if (m instanceof RestoreReady r && r.id().equals(g.id()) && phase == Phase.PREPARING) {
            heard(m);
            if (r.missing() != null) {
                stop(Rejection.conflict("checkpoint-incomplete", "nothing was restored: " + r.missing()));
                return;
            }
            ready.add(from);
            if (ready.size() == in.nodes.size()) order();
        } else if (m instanceof RestoreDone d && d.epoch() == epoch && phase == Phase.ORDERING && !done.containsKey(from)) {
            heard(m);
            if (d.failure() != null) problems.add(d.failure());
            else done.put(from, d.part());
            if (done.size() + problems.size() == in.nodes.size()) {
                in.active(null);
                in.env.emit("checkpoint.restore-complete", Map.of("checkpoint", g.id(), "epoch", epoch, "problems", problems.size()));
                answer(outcome());
                phase = Phase.DONE;
                in.finished(this);
            }
        }
    }

    /** The point of no return: the epoch is logged, and the orders go until every node has confirmed. */
    private void order() {
        phase = Phase.ORDERING;
        in.epoch = epoch;
        in.env.storage().put(CheckpointInitiator.P + "epoch", Long.toString(epoch));
        in.active("restore|" + g.id() + "|" + epoch);
        in.env.emit("checkpoint.restore", Map.of("checkpoint", g.id(), "epoch", epoch));
        for (NodeId p : in.nodes) send(p, new RestoreOrder(g.id(), local(p), epoch));
        after(in.timing.retry(), "retry");
        after(in.timing.restoreDeadline(), "deadline");
    }

    private void stop(Rejection why) {
        phase = Phase.DONE;
        answer(why);
        in.finished(this);
    }

    private Views.RestoreOutcome outcome() {
        List<String> pending = new ArrayList<>();
        for (NodeId p : in.nodes) if (!done.containsKey(p)) pending.add(p.value());
        return new Views.RestoreOutcome(g.id(), g.algorithm(), epoch, List.copyOf(done.values()), pending,
                List.copyOf(problems), messages());
    }

    @Override
    void onTimer(String kind) {
        if (phase == Phase.DONE) return;
        if (kind.equals("retry")) {
            for (NodeId p : in.nodes) {
                if (phase == Phase.PREPARING && !ready.contains(p)) send(p, new RestorePrepare(g.id(), local(p)));
                else if (phase == Phase.ORDERING && !done.containsKey(p)) send(p, new RestoreOrder(g.id(), local(p), epoch));
            }
            after(in.timing.retry(), "retry");
        } else if (kind.equals("deadline") && phase == Phase.PREPARING) {
            TreeSet<String> silent = new TreeSet<>();
            for (NodeId p : in.nodes) if (!ready.contains(p)) silent.add(p.value());
            stop(Rejection.unavailable("nothing was restored: no answer from " + silent + " within "
                    + in.timing.restoreDeadline().toMillis() + " ms (a restore needs every node)"));
        } else if (kind.equals("deadline") && phase == Phase.ORDERING) {
            answer(outcome()); // the orders go on in the background
            in.background(this);
        }
    }

    @Override
    public String toString() {
        return "restore of " + g.id() + " in epoch " + epoch;
    }
}
