package dsys.core.checkpoint;

import dsys.core.checkpoint.CheckpointRequests.Recover;
import dsys.core.checkpoint.CheckpointRequests.Restored;
import dsys.core.checkpoint.CheckpointRequests.RoundOutcome;
import dsys.core.checkpoint.CheckpointRequests.TakeCheckpoint;
import dsys.core.checkpoint.CoordinatedMessages.CheckpointAck;
import dsys.core.checkpoint.CoordinatedMessages.CheckpointDone;
import dsys.core.checkpoint.CoordinatedMessages.CheckpointRequest;
import dsys.core.checkpoint.CoordinatedMessages.DoneAck;
import dsys.core.checkpoint.CoordinatedMessages.NeedRecovery;
import dsys.core.checkpoint.CoordinatedMessages.RollBack;
import dsys.core.checkpoint.CoordinatedMessages.RolledBack;
import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The coordinator of the two-phase blocking protocol. A round: multicast CHECKPOINT_REQUEST; when every process
 * has acknowledged, log the round as the latest global checkpoint (the commit point) and multicast CHECKPOINT_DONE.
 * A round that does not gather every acknowledgement within {@link CheckpointTiming#roundTimeout()} is aborted:
 * CHECKPOINT_DONE tells the processes to discard their tentative checkpoints. When a process is back from a crash
 * (or a client asks) every process is rolled back to the latest global checkpoint, in a new epoch; an unfinished
 * round is over then too. Unanswered messages go again every {@link CheckpointTiming#retry()}.
 */
public final class CheckpointCoordinator implements Core {

    static final String ROUND = "ckpt.coord.round", COMMITTED = "ckpt.coord.committed", EPOCH = "ckpt.coord.epoch",
            RECOVERING = "ckpt.coord.recovering";
    /** Crash points, in protocol order. */
    public static final String AFTER_REQUEST_SENT = "after-request-sent", AFTER_COMMIT_LOGGED = "after-commit-logged";

    private enum Phase { IDLE, COLLECTING, FINISHING, RECOVERING }

    private record RoundTick() {
    }

    /** One chain of retries per phase: a new phase's chain makes the older one stop. */
    private record RetryTick(long generation) {
    }

    private record Deadline(long round) {
    }

    private final Env env;
    private final List<NodeId> processes;
    private final Duration every;
    private final CheckpointTiming timing;
    private long round, committed, epoch;
    private Phase phase = Phase.IDLE;
    private long generation;
    private boolean commit;
    private final TreeSet<NodeId> answered = new TreeSet<>();
    private final List<RequestId> waitingForRound = new ArrayList<>(), waitingForRecovery = new ArrayList<>();

    /** {@code every}: time between rounds (null: a round only when asked, {@link TakeCheckpoint}). */
    public CheckpointCoordinator(Env env, List<NodeId> processes, Duration every, CheckpointTiming timing) {
        this.env = env;
        this.processes = List.copyOf(new TreeSet<>(processes));
        this.every = every;
        this.timing = timing;
    }

    @Override
    public void onStart() {
        round = stored(ROUND);
        committed = stored(COMMITTED);
        epoch = stored(EPOCH);
        if (every != null) env.after(every, new RoundTick());
    }

    /**
     * Back from a crash: a recovery under way starts over; a round not logged as committed is aborted (no process
     * may stay blocked), a committed one has its CHECKPOINT_DONE sent again.
     */
    @Override
    public void onRecover() {
        onStart();
        if (env.storage().get(RECOVERING).isPresent()) recover("coordinator restarted during a recovery");
        else if (round > 0) finish(round == committed);
    }

    private long stored(String key) {
        return env.storage().get(key).map(Long::parseLong).orElse(0L);
    }

    @Override
    public void onRequest(RequestId request, Object body) {
        if (body instanceof TakeCheckpoint) {
            waitingForRound.add(request);
            if (phase == Phase.IDLE) startRound();
        } else if (body instanceof Recover) {
            waitingForRecovery.add(request);
            recover("asked");
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    private void startRound() {
        round++;
        env.storage().put(ROUND, Long.toString(round));
        phase = Phase.COLLECTING;
        answered.clear();
        env.emit("checkpoint.request", Map.of("round", round, "processes", processes.size()));
        for (NodeId p : processes) env.send(p, new CheckpointRequest(round));
        env.crashPoint(AFTER_REQUEST_SENT);
        retryLater();
        env.after(timing.roundTimeout(), new Deadline(round));
    }

    @Override
    public void onMessage(NodeId from, Message m) {
        if (!processes.contains(from)) return;
        if (m instanceof CheckpointAck a) {
            if (phase != Phase.COLLECTING || a.round() != round) return;
            answered.add(from);
            if (answered.size() == processes.size()) {
                committed = round;
                env.storage().put(COMMITTED, Long.toString(round)); // the commit point of the global checkpoint
                env.crashPoint(AFTER_COMMIT_LOGGED);
                env.emit("checkpoint.global", Map.of("round", round));
                finish(true);
            }
        } else if (m instanceof DoneAck a) {
            if (phase != Phase.FINISHING || a.round() != round) return;
            answered.add(from);
            if (answered.size() == processes.size()) {
                phase = Phase.IDLE;
                for (RequestId r : waitingForRound) env.reply(r, new RoundOutcome(round, commit));
                waitingForRound.clear();
            }
        } else if (m instanceof RolledBack r) {
            if (phase != Phase.RECOVERING || r.epoch() != epoch) return;
            answered.add(from);
            if (answered.size() == processes.size()) {
                phase = Phase.IDLE;
                env.storage().remove(RECOVERING);
                env.emit("checkpoint.recovered", Map.of("epoch", epoch, "checkpoint", committed));
                for (RequestId q : waitingForRecovery) env.reply(q, new Restored(epoch, committed));
                waitingForRecovery.clear();
                for (RequestId q : waitingForRound) env.reply(q, new RoundOutcome(round, committed == round));
                waitingForRound.clear();
            }
        } else if (m instanceof NeedRecovery n) {
            // An older epoch: the process is one the recovery under way is rolling back.
            if (n.epoch() >= epoch) recover(from + " is back from a crash");
        }
    }

    /** Phase 2: CHECKPOINT_DONE, committing or aborting the round. */
    private void finish(boolean commit) {
        this.commit = commit;
        phase = Phase.FINISHING;
        answered.clear();
        if (!commit) env.emit("checkpoint.round-aborted", Map.of("round", round));
        for (NodeId p : processes) env.send(p, new CheckpointDone(round, commit));
        retryLater();
    }

    private void recover(String why) {
        epoch++;
        env.storage().put(EPOCH, Long.toString(epoch));
        env.storage().put(RECOVERING, "true");
        phase = Phase.RECOVERING;
        answered.clear();
        env.emit("checkpoint.recovery", Map.of("epoch", epoch, "checkpoint", committed, "why", why));
        for (NodeId p : processes) env.send(p, new RollBack(epoch, committed, round));
        retryLater();
    }

    private void retryLater() {
        env.after(timing.retry(), new RetryTick(++generation));
    }

    @Override
    public void onTimer(Object timer) {
        if (timer instanceof RoundTick) {
            if (phase == Phase.IDLE) startRound();
            env.after(every, timer);
        } else if (timer instanceof Deadline d) {
            if (phase == Phase.COLLECTING && d.round() == round) finish(false);
        } else if (timer instanceof RetryTick t && t.generation() == generation && phase != Phase.IDLE) {
            for (NodeId p : processes) {
                if (answered.contains(p)) continue;
                env.send(p, switch (phase) {
                    case COLLECTING -> new CheckpointRequest(round);
                    case FINISHING -> new CheckpointDone(round, commit);
                    default -> new RollBack(epoch, committed, round);
                });
            }
            env.after(timing.retry(), timer);
        }
    }

    /** The round of the latest global checkpoint (0: the initial state). */
    public long committed() {
        return committed;
    }

    public boolean idle() {
        return phase == Phase.IDLE;
    }
}
