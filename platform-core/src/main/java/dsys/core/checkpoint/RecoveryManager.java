package dsys.core.checkpoint;

import dsys.core.checkpoint.CheckpointRequests.Recover;
import dsys.core.checkpoint.CheckpointRequests.RecoveryOutcome;
import dsys.core.checkpoint.IndependentMessages.CheckpointsQuery;
import dsys.core.checkpoint.IndependentMessages.CheckpointsReport;
import dsys.core.checkpoint.IndependentMessages.NeedRecovery;
import dsys.core.checkpoint.IndependentMessages.RollBack;
import dsys.core.checkpoint.IndependentMessages.RolledBack;
import dsys.core.env.Core;
import dsys.core.env.Env;
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
 * Recovery for independent checkpointing. When a process is back from a crash (or a client asks), a recovery
 * round gathers every process's latest checkpoint number and dependency record, computes the {@link RecoveryLine},
 * and rolls each process back to its checkpoint on it, in a new epoch. Rounds are numbered on stable storage and the
 * round number is the epoch; an unfinished round is started afresh after a crash of the manager.
 */
public final class RecoveryManager implements Core {

    static final String ROUND = "ckpt.m.round", ACTIVE = "ckpt.m.active";
    /** Crash point: the line is computed, no rollback sent yet. */
    public static final String AFTER_LINE = "after-line";

    private enum Phase { IDLE, COLLECTING, ROLLING_BACK }

    private record RetryTick(long round) {
    }

    private final Env env;
    private final List<NodeId> processes;
    private final CheckpointTiming timing;
    private long round;
    private Phase phase = Phase.IDLE;
    private final TreeMap<NodeId, CheckpointsReport> reports = new TreeMap<>();
    private final TreeSet<NodeId> rolledBack = new TreeSet<>();
    private SortedMap<String, Integer> line;
    private final List<RequestId> waiting = new ArrayList<>();

    public RecoveryManager(Env env, List<NodeId> processes, CheckpointTiming timing) {
        this.env = env;
        this.processes = List.copyOf(new TreeSet<>(processes));
        this.timing = timing;
    }

    @Override
    public void onStart() {
        round = env.storage().get(ROUND).map(Long::parseLong).orElse(0L);
    }

    @Override
    public void onRecover() {
        onStart();
        if (env.storage().get(ACTIVE).isPresent()) start("manager restarted during round " + round);
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (body instanceof Recover) {
            waiting.add(request);
            if (phase == Phase.IDLE) start("asked");
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (m instanceof NeedRecovery n) {
            // An older epoch: the process is part of the round under way (or one it will be rolled back by).
            if (n.epoch() >= round) start(from + " is back from a crash");
        } else if (m instanceof CheckpointsReport r) {
            if (phase != Phase.COLLECTING || r.round() != round || !processes.contains(from)) return;
            reports.put(from, r);
            if (reports.size() == processes.size()) computeLine();
        } else if (m instanceof RolledBack r) {
            if (phase != Phase.ROLLING_BACK || r.epoch() != round || !processes.contains(from)) return;
            rolledBack.add(from);
            if (rolledBack.size() == processes.size()) finish();
        }
    }

    private void start(String why) {
        round++;
        env.storage().put(ROUND, Long.toString(round));
        env.storage().put(ACTIVE, "true");
        phase = Phase.COLLECTING;
        reports.clear();
        rolledBack.clear();
        env.emit("checkpoint.recovery", Map.of("round", round, "why", why));
        query();
        env.after(timing.retry(), new RetryTick(round));
    }

    private void query() {
        for (NodeId p : processes) if (!reports.containsKey(p)) env.send(p, new CheckpointsQuery(round));
    }

    private void computeLine() {
        TreeMap<String, Integer> latest = new TreeMap<>();
        List<Dependency> deps = new ArrayList<>();
        reports.forEach((p, r) -> {
            latest.put(p.value(), r.latest());
            deps.addAll(r.dependencies());
        });
        line = RecoveryLine.compute(latest, deps);
        List<String> toStart = line.entrySet().stream().filter(e -> e.getValue() == 0 && latest.get(e.getKey()) > 0).map(Map.Entry::getKey).toList();
        env.emit("checkpoint.recovery-line", Map.of("round", round, "line", line, "latest", latest,
                "dependencies", deps.size(), "backToInitialState", toStart));
        env.crashPoint(AFTER_LINE);
        phase = Phase.ROLLING_BACK;
        order();
    }

    private void order() {
        for (NodeId p : processes) if (!rolledBack.contains(p)) env.send(p, new RollBack(round, line.get(p.value())));
    }

    private void finish() {
        phase = Phase.IDLE;
        env.storage().remove(ACTIVE);
        env.emit("checkpoint.recovered", Map.of("round", round, "line", line));
        for (RequestId r : waiting) env.reply(r, new RecoveryOutcome(round, line));
        waiting.clear();
    }

    @Override
    public void onTimer(Object timer) {
        if (!(timer instanceof RetryTick t) || t.round() != round || phase == Phase.IDLE) return;
        if (phase == Phase.COLLECTING) query();
        else order();
        env.after(timing.retry(), timer);
    }
}
