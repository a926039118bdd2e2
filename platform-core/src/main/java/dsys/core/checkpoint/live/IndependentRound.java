package dsys.core.checkpoint.live;

import dsys.core.checkpoint.Dependency;
import dsys.core.checkpoint.RecoveryLine;
import dsys.core.checkpoint.live.Control.CheckpointsQuery;
import dsys.core.checkpoint.live.Control.CheckpointsReport;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Independent checkpoints' consistent global state: the recovery line. Every node checkpoints its current state
 * when the query reaches it (no coordination: messages cross those checkpoints as they cross any) and reports its
 * checkpoints since its base with their dependency records; {@link RecoveryLine#compute} rolls back from the latest
 * checkpoints until no message is an orphan, as far as the bases when they fall badly (the domino effect).
 */
final class IndependentRound extends InitiatorOp {

    private long query;
    private long takenAt;
    private boolean done;
    private final TreeMap<NodeId, CheckpointsReport> reports = new TreeMap<>();

    IndependentRound(CheckpointInitiator in, RequestId request) {
        super(in, request);
    }

    @Override
    void start() {
        query = in.next("queries");
        takenAt = in.clockMillis();
        for (NodeId p : in.nodes) send(p, new CheckpointsQuery(query, in.catalog.keepFrom(p.value()), in.catalog.pins(p.value())));
        after(in.timing.retry(), "retry");
        after(in.timing.roundTimeout(), "deadline");
    }

    @Override
    void onMessage(NodeId from, Message m) {
        if (done || !(m instanceof CheckpointsReport r) || r.query() != query) return;
        heard(m);
        reports.putIfAbsent(from, r);
        if (reports.size() == in.nodes.size()) finish();
    }

    @Override
    void onTimer(String kind) {
        if (done) return;
        if (kind.equals("retry")) {
            for (NodeId p : in.nodes) if (!reports.containsKey(p)) send(p, new CheckpointsQuery(query, in.catalog.keepFrom(p.value()), in.catalog.pins(p.value())));
            after(in.timing.retry(), "retry");
        } else if (kind.equals("deadline")) {
            done = true;
            TreeSet<String> missing = new TreeSet<>();
            for (NodeId p : in.nodes) if (!reports.containsKey(p)) missing.add(p.value());
            answer(new Rejection(503, "checkpoints-unavailable", "Checkpoints unavailable", "no report from " + missing
                    + " within " + in.timing.roundTimeout().toMillis() + " ms: without every node's dependencies there is no recovery line"));
            in.finished(this);
        }
    }

    private void finish() {
        done = true;
        TreeMap<String, Integer> latest = new TreeMap<>();
        List<Dependency> deps = new ArrayList<>();
        reports.forEach((p, r) -> latest.put(p.value(), r.latest()));
        for (CheckpointsReport r : reports.values()) {
            for (Dependency d : r.dependencies()) if (latest.containsKey(d.from()) && latest.containsKey(d.to())) deps.add(d);
        }
        SortedMap<String, Integer> line = RecoveryLine.compute(latest, deps);
        List<String> problems = new ArrayList<>();
        List<Views.LocalSummary> states = new ArrayList<>();
        List<String> toBase = new ArrayList<>();
        reports.forEach((p, r) -> {
            int at = line.get(p.value());
            if (at == r.base() && r.latest() > r.base()) toBase.add(p.value());
            Views.LocalSummary s = r.kept().stream().filter(k -> k.local().equals(IntervalSide.local(at))).findFirst().orElse(null);
            if (s == null || !s.stored()) problems.add(p + " no longer holds the data of its checkpoint " + at + ": not restorable");
            if (s != null) states.add(s);
        });
        in.env.emit("checkpoint.recovery-line", Map.of("query", query, "line", line, "latest", latest,
                "dependencies", deps.size(), "backToBase", toBase));
        Views.GlobalCheckpoint g = new Views.GlobalCheckpoint("independent-" + query, Algorithm.INDEPENDENT.label(),
                in.epoch, takenAt, true, problems.isEmpty(), states, List.of(), line, latest, problems, messages());
        in.catalog.add(g);
        answer(g);
        in.finished(this);
    }

    @Override
    public String toString() {
        return "independent query " + query;
    }
}
