package dsys.core.checkpoint.live;

import dsys.core.env.ForwardingEnv;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;

/**
 * The Env the wrapped core sees: its sends go through the checkpoint algorithms (stamped, or held back while a
 * coordinated round blocks sending), its timers and replies belong to one incarnation of it. After a restore the
 * previous incarnation's timers do not fire and its sends and replies go nowhere, as after a crash.
 */
final class InnerEnv extends ForwardingEnv {

    /** A timer of incarnation {@code generation} of the wrapped core. */
    record InnerTimer(long generation, Object timer) {
    }

    private final CheckpointedCore core;
    private final long generation;

    InnerEnv(CheckpointedCore core, long generation) {
        super(core.env);
        this.core = core;
        this.generation = generation;
    }

    @Override
    public void send(NodeId to, Message m) {
        core.send(generation, to, m);
    }

    @Override
    public void reply(RequestId request, Object result) {
        core.reply(generation, request, result);
    }

    @Override
    public TimerId after(Duration delay, Object timer) {
        return env.after(delay, new InnerTimer(generation, timer));
    }
}
