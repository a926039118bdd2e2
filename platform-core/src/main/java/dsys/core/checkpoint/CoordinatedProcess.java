package dsys.core.checkpoint;

import dsys.core.checkpoint.CheckpointRequests.Paid;
import dsys.core.checkpoint.CheckpointRequests.Pay;
import dsys.core.checkpoint.CoordinatedMessages.CheckpointAck;
import dsys.core.checkpoint.CoordinatedMessages.CheckpointDone;
import dsys.core.checkpoint.CoordinatedMessages.CheckpointRequest;
import dsys.core.checkpoint.CoordinatedMessages.DoneAck;
import dsys.core.checkpoint.CoordinatedMessages.NeedRecovery;
import dsys.core.checkpoint.CoordinatedMessages.RollBack;
import dsys.core.checkpoint.CoordinatedMessages.RolledBack;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A bank process under coordinated checkpointing, two-phase blocking protocol (the notes' 两阶段阻塞算法). On
 * CHECKPOINT_REQUEST it writes a tentative checkpoint, from then on queues every payment it is asked to send
 * (blocks sending), and acknowledges. On CHECKPOINT_DONE the tentative checkpoint becomes permanent (or, if the round
 * was aborted, is discarded) and the queued payments go out. No message sent after a process's checkpoint can be
 * received before another's: sending resumes only once all have checkpointed, so the global checkpoint has no
 * orphan message. Messages sent before and received after it are in transit; they are in the senders' logs and are
 * sent again after a rollback.
 */
public final class CoordinatedProcess extends BankCore {

    static final String PERMANENT = "ckpt.c.permanent", TENTATIVE = "ckpt.c.tentative";
    /** Crash points, in protocol order. */
    public static final String AFTER_TENTATIVE = "after-tentative-checkpoint", AFTER_ACK = "after-ack",
            BEFORE_PERMANENT = "before-permanent";

    private record RecoveryTick() {
    }

    private record Queued(RequestId request, Pay pay, NodeId to) {
    }

    private final NodeId coordinator;
    /** The round whose tentative checkpoint is taken and whose CHECKPOINT_DONE has not come: sending is blocked. */
    private long blockedIn = -1;
    /** Rounds up to this one are over here: a late CHECKPOINT_REQUEST of one of them is ignored. */
    private long finished;
    private final List<Queued> queued = new ArrayList<>();

    public CoordinatedProcess(Env env, long opening, NodeId coordinator, CheckpointTiming timing) {
        super(env, opening, timing);
        this.coordinator = coordinator;
    }

    @Override
    protected void started() {
        env.storage().put(PERMANENT, new CoordinatedCheckpoint(0, bank.state()).encode());
    }

    @Override
    protected void restarted() {
        env.send(coordinator, new NeedRecovery(bank.epoch()));
        env.after(timing.retry(), new RecoveryTick());
    }

    private boolean blocked() {
        return blockedIn >= 0;
    }

    @Override
    protected void pay(RequestId request, Pay p, NodeId to) {
        if (!blocked()) {
            super.pay(request, p, to);
            return;
        }
        long promised = queued.stream().mapToLong(q -> q.pay().amount()).sum();
        if (p.amount() > bank.balance() - promised) {
            env.reply(request, insufficient(p));
            return;
        }
        queued.add(new Queued(request, p, to));
        env.emit("checkpoint.send-blocked", Map.of("round", blockedIn, "transfer", p.id(), "queued", queued.size()));
    }

    @Override
    protected void request(RequestId request, Object body) {
        env.reply(request, Rejection.badRequest("unknown request " + body.getClass().getSimpleName()));
    }

    @Override
    protected void message(NodeId from, Message m) {
        if (m instanceof RollBack r) onRollBack(from, r);
        if (frozen) return;
        if (m instanceof CheckpointRequest r) onRequest(from, r);
        else if (m instanceof CheckpointDone d) onDone(from, d);
    }

    private void onRequest(NodeId from, CheckpointRequest r) {
        if (r.round() == blockedIn) {
            env.send(from, new CheckpointAck(r.round())); // a repeated request
            return;
        }
        if (blocked() || r.round() <= finished) return;
        env.storage().put(TENTATIVE, new CoordinatedCheckpoint(r.round(), bank.state()).encode());
        blockedIn = r.round();
        env.emit("checkpoint.tentative", Map.of("round", r.round(), "balance", bank.balance()));
        env.crashPoint(AFTER_TENTATIVE);
        env.send(from, new CheckpointAck(r.round()));
        env.crashPoint(AFTER_ACK);
    }

    private void onDone(NodeId from, CheckpointDone d) {
        if (d.round() == blockedIn) {
            if (d.commit()) {
                env.crashPoint(BEFORE_PERMANENT);
                env.storage().put(PERMANENT, env.storage().get(TENTATIVE).orElseThrow());
                env.emit("checkpoint.permanent", Map.of("round", d.round()));
            } else {
                env.emit("checkpoint.discarded", Map.of("round", d.round()));
            }
            env.storage().remove(TENTATIVE);
            finished = Math.max(finished, d.round());
            blockedIn = -1;
            unblock();
        } else if (!blocked()) {
            finished = Math.max(finished, d.round()); // an abort of a round whose request never came
        }
        env.send(from, new DoneAck(d.round()));
    }

    /** Sends what was queued while blocked, in the order asked. */
    private void unblock() {
        for (Queued q : queued) {
            if (bank.transfer(q.pay().id(), q.to(), q.pay().amount(), 0)) env.reply(q.request(), new Paid(q.pay().id(), bank.balance()));
            else env.reply(q.request(), insufficient(q.pay()));
        }
        queued.clear();
    }

    /** Back to the global checkpoint: permanent here, or still tentative if CHECKPOINT_DONE never came. */
    private void onRollBack(NodeId from, RollBack r) {
        if (!frozen && r.epoch() == bank.epoch()) {
            env.send(from, new RolledBack(r.epoch()));
            return;
        }
        if (r.epoch() <= bank.epoch()) return;
        CoordinatedCheckpoint cp = stored(PERMANENT).filter(c -> c.round() == r.checkpoint())
                .or(() -> stored(TENTATIVE).filter(c -> c.round() == r.checkpoint()))
                .orElseThrow(() -> new IllegalStateException(env.self() + " has no checkpoint of round " + r.checkpoint()));
        env.storage().put(PERMANENT, cp.encode());
        env.storage().remove(TENTATIVE);
        rollBack(cp.state(), r.epoch());
        for (Queued q : queued) env.reply(q.request(), Rejection.conflict("rolled-back", "rolled back before it was sent"));
        queued.clear();
        blockedIn = -1;
        finished = Math.max(finished, r.round());
        env.emit("checkpoint.rollback", Map.of("epoch", r.epoch(), "checkpoint", r.checkpoint(), "balance", bank.balance()));
        env.send(from, new RolledBack(r.epoch()));
    }

    private Optional<CoordinatedCheckpoint> stored(String key) {
        return env.storage().get(key).map(CoordinatedCheckpoint::decode);
    }

    @Override
    protected void timer(Object timer) {
        if (timer instanceof RecoveryTick && frozen) {
            env.send(coordinator, new NeedRecovery(bank.epoch()));
            env.after(timing.retry(), timer);
        }
    }

    /** Whether sending is blocked (for views and tests). */
    public boolean sendingBlocked() {
        return blocked();
    }
}
