package dsys.core.checkpoint;

import dsys.core.checkpoint.ChannelMessages.OnChannel;
import dsys.core.checkpoint.ChannelMessages.Transfer;
import dsys.core.checkpoint.CheckpointRequests.Checkpointed;
import dsys.core.checkpoint.CheckpointRequests.Paid;
import dsys.core.checkpoint.CheckpointRequests.Pay;
import dsys.core.checkpoint.CheckpointRequests.TakeCheckpoint;
import dsys.core.checkpoint.IndependentMessages.CheckpointsQuery;
import dsys.core.checkpoint.IndependentMessages.CheckpointsReport;
import dsys.core.checkpoint.IndependentMessages.NeedRecovery;
import dsys.core.checkpoint.IndependentMessages.RollBack;
import dsys.core.checkpoint.IndependentMessages.RolledBack;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A bank process under independent checkpointing (the notes' 独立检查点): it saves local checkpoints on its own
 * schedule, with nobody else involved, and records the dependencies between them: each message carries the number
 * of the sender's latest checkpoint (its interval), and the receiver keeps (sender, send interval, receive interval)
 * with its next checkpoint. After a failure the {@link RecoveryManager} gathers checkpoints and dependencies, computes
 * the {@link RecoveryLine}, and every process rolls back to its checkpoint on it — possibly far back (the domino
 * effect), since nothing made the checkpoints agree when they were taken.
 */
public final class IndependentProcess extends BankCore {

    /** Stable storage: one key per checkpoint ({@code ckpt.i.cp.} + zero-padded number), and the recovery round. */
    static final String CHECKPOINT = "ckpt.i.cp.", ROUND = "ckpt.i.round";
    /** Crash point: the checkpoint of the current state is on disk, the report not yet sent. */
    public static final String AFTER_QUERY_CHECKPOINT = "after-query-checkpoint";

    private record CheckpointTick() {
    }

    private record RecoveryTick() {
    }

    private final NodeId manager;
    private final Duration every;
    /** The number of the latest checkpoint, which is also the interval the process is in. */
    private int interval;
    /** Receipts in the current interval: they go into the next checkpoint. */
    private final List<Dependency> dependencies = new ArrayList<>();
    /** The recovery round this process last reported its checkpoints to (stable: a rollback must be of that round). */
    private long round;

    /**
     * {@code every}: the mean time between this process's own checkpoints (each gap is drawn from 0.5–1.5 times it,
     * so processes drift apart as independent ones do); null: only when asked ({@link TakeCheckpoint}).
     */
    public IndependentProcess(Env env, long opening, NodeId manager, Duration every, CheckpointTiming timing) {
        super(env, opening, timing);
        this.manager = manager;
        this.every = every;
    }

    @Override
    protected void started() {
        interval = -1;
        take("initial");
        scheduleCheckpoint();
    }

    @Override
    protected void restarted() {
        List<String> keys = new ArrayList<>(env.storage().scan(CHECKPOINT).keySet());
        interval = keys.isEmpty() ? 0 : Integer.parseInt(keys.get(keys.size() - 1).substring(CHECKPOINT.length()));
        round = env.storage().get(ROUND).map(Long::parseLong).orElse(0L);
        env.send(manager, new NeedRecovery(bank.epoch()));
        env.after(timing.retry(), new RecoveryTick());
        scheduleCheckpoint();
    }

    private void scheduleCheckpoint() {
        if (every == null) return;
        long n = every.toNanos();
        env.after(Duration.ofNanos(n / 2 + env.random().nextLong(n + 1)), new CheckpointTick());
    }

    /** A local checkpoint: the state and the receipts since the previous one, on stable storage. */
    private void take(String why) {
        interval++;
        var cp = new IndependentCheckpoint(interval, List.copyOf(dependencies), bank.state());
        env.storage().put(key(interval), cp.encode());
        dependencies.clear();
        env.emit("checkpoint.taken", Map.of("checkpoint", interval, "why", why, "balance", bank.balance(),
                "dependencies", cp.dependencies().size()));
    }

    private static String key(int index) {
        String n = Integer.toString(index);
        return CHECKPOINT + "0".repeat(Math.max(0, 8 - n.length())) + n; // zero-padded: scan() returns them in order
    }

    @Override
    protected void pay(RequestId request, Pay p, NodeId to) {
        if (bank.transfer(p.id(), to, p.amount(), interval)) env.reply(request, new Paid(p.id(), bank.balance()));
        else env.reply(request, insufficient(p));
    }

    @Override
    protected void delivered(NodeId from, OnChannel m) {
        if (m instanceof Transfer t) dependencies.add(new Dependency(from.value(), t.interval(), env.self().value(), interval));
    }

    @Override
    protected void request(RequestId request, Object body) {
        if (body instanceof TakeCheckpoint) {
            if (frozen) {
                env.reply(request, Rejection.unavailable(env.self() + " is recovering"));
                return;
            }
            take("asked");
            env.reply(request, new Checkpointed(interval));
        } else {
            env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
        }
    }

    @Override
    protected void message(NodeId from, Message m) {
        if (m instanceof CheckpointsQuery q) onQuery(from, q);
        else if (m instanceof RollBack r) onRollBack(from, r);
    }

    /**
     * A process that did not fail first checkpoints its current state, so the line can keep all of its work, and
     * then stands still (frozen) until the rollback: a checkpoint taken meanwhile would not be in the report.
     */
    private void onQuery(NodeId from, CheckpointsQuery q) {
        if (q.round() < round || q.round() == bank.epoch()) return; // stale, or a late copy of the round it was rolled back in
        if (!frozen) {
            take("recovery");
            frozen = true;
        }
        round = q.round();
        env.storage().put(ROUND, Long.toString(round));
        env.crashPoint(AFTER_QUERY_CHECKPOINT);
        List<Dependency> all = new ArrayList<>();
        for (String line : env.storage().scan(CHECKPOINT).values()) all.addAll(IndependentCheckpoint.decode(line, env.self().value()).dependencies());
        env.send(from, new CheckpointsReport(round, interval, all));
    }

    private void onRollBack(NodeId from, RollBack r) {
        if (!frozen && r.epoch() == bank.epoch()) {
            env.send(from, new RolledBack(r.epoch())); // a repeated order: done already
            return;
        }
        if (!frozen || r.epoch() != round) return; // of a round this process did not report to last
        String line = env.storage().get(key(r.checkpoint())).orElseThrow(
                () -> new IllegalStateException("no checkpoint " + r.checkpoint() + " at " + env.self()));
        int from0 = interval;
        rollBack(IndependentCheckpoint.decode(line, env.self().value()).state(), r.epoch());
        for (int i = r.checkpoint() + 1; i <= from0; i++) env.storage().remove(key(i)); // the abandoned future
        interval = r.checkpoint();
        dependencies.clear();
        env.emit("checkpoint.rollback", Map.of("epoch", r.epoch(), "checkpoint", r.checkpoint(), "latest", from0,
                "discarded", from0 - r.checkpoint(), "balance", bank.balance()));
        env.send(from, new RolledBack(r.epoch()));
    }

    @Override
    protected void timer(Object timer) {
        if (timer instanceof CheckpointTick) {
            if (!frozen) take("schedule");
            scheduleCheckpoint();
        } else if (timer instanceof RecoveryTick && frozen) {
            env.send(manager, new NeedRecovery(bank.epoch()));
            env.after(timing.retry(), timer);
        }
    }

    /** The number of the latest checkpoint (for views and tests). */
    public int latestCheckpoint() {
        return interval;
    }
}
