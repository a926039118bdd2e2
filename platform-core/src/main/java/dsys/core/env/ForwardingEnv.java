package dsys.core.env;

import dsys.core.clock.LogicalClocks;
import dsys.core.clock.PhysicalClock;
import dsys.core.message.Message;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;

/** An {@link Env} that hands every call to another: extend it to change a few calls (scoped storage, recording). */
public abstract class ForwardingEnv implements Env {

    protected final Env env;

    protected ForwardingEnv(Env env) {
        this.env = env;
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
    public void reply(RequestId request, Object result) {
        env.reply(request, result);
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
