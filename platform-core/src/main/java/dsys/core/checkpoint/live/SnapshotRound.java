package dsys.core.checkpoint.live;

import dsys.core.checkpoint.live.Control.ChannelCounts;
import dsys.core.checkpoint.live.Control.Count;
import dsys.core.checkpoint.live.Control.SnapshotClose;
import dsys.core.checkpoint.live.Control.SnapshotMarker;
import dsys.core.checkpoint.live.Control.SnapshotPart;
import dsys.core.checkpoint.live.Control.SnapshotRecorded;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The initiator's side of a snapshot ({@link SnapshotSide} is a node's): markers to every node until each has
 * recorded (most record earlier, on a message of the new colour); then each node is told how many messages of the
 * old colour every sender sent it before its cut, and sends its part once it has counted them all. At the deadline
 * the snapshot is closed: nodes finish with what they have and name what never came, and half the deadline later
 * the snapshot is what has come, its problems named.
 */
final class SnapshotRound extends InitiatorOp {

    private enum Phase { RECORDING, COUNTING, CLOSING, DONE }

    private long n;
    private long takenAt;
    private Phase phase = Phase.RECORDING;
    private final TreeMap<NodeId, List<Count>> recorded = new TreeMap<>();
    private final TreeMap<NodeId, SnapshotPart> parts = new TreeMap<>();

    SnapshotRound(CheckpointInitiator in, RequestId request) {
        super(in, request);
    }

    @Override
    void start() {
        n = in.next("snapshots");
        takenAt = in.clockMillis();
        in.env.emit("snapshot.start", Map.of("snapshot", n, "nodes", in.nodes.size()));
        for (NodeId p : in.nodes) send(p, new SnapshotMarker(n));
        after(in.timing.retry(), "retry");
        after(in.timing.snapshotDeadline(), "deadline");
    }

    @Override
    void onMessage(NodeId from, Message m) {
        if (m instanceof SnapshotRecorded r && r.snapshot() == n) {
            heard(m);
            recorded.putIfAbsent(from, r.sent());
            if (phase == Phase.RECORDING && recorded.size() == in.nodes.size()) {
                phase = Phase.COUNTING;
                for (NodeId q : in.nodes) if (!parts.containsKey(q)) send(q, counts(q));
            }
        } else if (m instanceof SnapshotPart p && p.snapshot() == n) {
            heard(m);
            parts.putIfAbsent(from, p);
            if (parts.size() == in.nodes.size()) finish();
        }
    }

    /** What each sender sent {@code q} of its colour before its cut. */
    private ChannelCounts counts(NodeId q) {
        List<Count> expected = new ArrayList<>();
        recorded.forEach((p, sent) -> {
            for (Count c : sent) if (c.node().equals(q.value()) && c.count() != 0) expected.add(new Count(p.value(), c.color(), c.count()));
        });
        return new ChannelCounts(n, expected);
    }

    @Override
    void onTimer(String kind) {
        if (phase == Phase.DONE) return;
        if (kind.equals("retry")) {
            for (NodeId q : in.nodes) {
                if (parts.containsKey(q)) continue;
                if (phase == Phase.CLOSING) send(q, new SnapshotClose(n));
                else if (phase == Phase.COUNTING) send(q, counts(q));
                else if (!recorded.containsKey(q)) send(q, new SnapshotMarker(n));
            }
            after(in.timing.retry(), "retry");
        } else if (kind.equals("deadline")) {
            phase = Phase.CLOSING;
            for (NodeId q : in.nodes) if (!parts.containsKey(q)) send(q, new SnapshotClose(n));
            after(in.timing.snapshotDeadline().dividedBy(2), "give-up");
        } else if (kind.equals("give-up")) {
            finish();
        }
    }

    private void finish() {
        phase = Phase.DONE;
        List<String> problems = new ArrayList<>();
        List<Views.LocalSummary> states = new ArrayList<>();
        List<Views.ChannelState> channels = new ArrayList<>();
        for (NodeId q : in.nodes) {
            SnapshotPart p = parts.get(q);
            if (!recorded.containsKey(q) && (p == null || p.state() == null)) problems.add(q + " never recorded (down or cut off)");
            if (p == null) {
                problems.add("no part from " + q + " by the deadline");
                continue;
            }
            if (p.failure() != null) problems.add(p.failure());
            if (p.state() != null) states.add(p.state());
            for (Views.ChannelState c : p.channels()) {
                channels.add(c);
                if (c.missing() > 0) problems.add(c.missing() + " message(s) " + c.from() + " sent to " + c.to()
                        + " before its cut never counted at " + c.to() + " (lost, still delayed, or delivered before "
                        + c.to() + " restarted)");
                else if (c.missing() < 0) problems.add("channel " + c.from() + "->" + c.to() + " could not be counted (a restart"
                        + " of either end since its messages began, or no counts by the deadline): its state may lack"
                        + " messages in flight or hold some delivered before; a snapshot taken after it is complete");
            }
        }
        boolean restorable = states.size() == in.nodes.size();
        Views.GlobalCheckpoint g = new Views.GlobalCheckpoint("snapshot-" + n, Algorithm.SNAPSHOT.label(), in.epoch, takenAt,
                problems.isEmpty(), restorable, states, channels, null, null, problems, messages());
        in.catalog.add(g);
        in.env.emit(problems.isEmpty() ? "snapshot.complete" : "snapshot.incomplete", Map.of("snapshot", n,
                "inFlight", channels.stream().mapToInt(Views.ChannelState::recorded).sum(), "problems", problems.size()));
        answer(g);
        in.finished(this);
    }

    @Override
    public String toString() {
        return "snapshot " + n;
    }
}
