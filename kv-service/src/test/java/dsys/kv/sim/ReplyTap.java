package dsys.kv.sim;

import dsys.core.clock.LogicalClocks;
import dsys.core.clock.PhysicalClock;
import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.message.Message;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;

/**
 * A node's Env that tells the test harness when the core answers a client request, so simulated clients react
 * at the instant of the reply instead of polling for it; everything else goes straight to the simulator's Env.
 */
final class ReplyTap implements Env {

    private final Env env;
    private final BiConsumer<RequestId, Object> replied;

    ReplyTap(Env env, BiConsumer<RequestId, Object> replied) {
        this.env = env;
        this.replied = replied;
    }

    @Override
    public void reply(RequestId request, Object result) {
        env.reply(request, result);
        replied.accept(request, result);
    }

    @Override
    public NodeId self() {
        return env.self();
    }

    @Override
    public Membership members() {
        return env.members();
    }

    @Override
    public void send(NodeId to, Message m) {
        env.send(to, m);
    }

    @Override
    public TimerId after(Duration delay, Object timer) {
        return env.after(delay, timer);
    }

    @Override
    public void cancel(TimerId timer) {
        env.cancel(timer);
    }

    @Override
    public long nanoTime() {
        return env.nanoTime();
    }

    @Override
    public PhysicalClock clock() {
        return env.clock();
    }

    @Override
    public LogicalClocks logical() {
        return env.logical();
    }

    @Override
    public Durable storage() {
        return env.storage();
    }

    @Override
    public void emit(String kind, Map<String, Object> fields) {
        env.emit(kind, fields);
    }

    @Override
    public RandomGenerator random() {
        return env.random();
    }

    @Override
    public void crashPoint(String name) {
        env.crashPoint(name);
    }
}
