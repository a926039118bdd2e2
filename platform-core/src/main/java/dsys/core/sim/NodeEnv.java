package dsys.core.sim;

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
import java.util.Optional;
import java.util.SortedMap;
import java.util.random.RandomGenerator;

/**
 * The Env of one incarnation of a simulated node. Once that incarnation crashes its Env goes dead: sends,
 * replies, timers, events and disk writes are ignored, as they would be from a killed process (this also covers a
 * core that swallows the crash-point exception and carries on).
 */
final class NodeEnv implements Env {

    private final Simulation sim;
    private final SimNode node;
    private final long epoch;
    private final Durable storage = new Guarded();

    NodeEnv(Simulation sim, SimNode node, long epoch) {
        this.sim = sim;
        this.node = node;
        this.epoch = epoch;
    }

    boolean alive() {
        return node.up && node.epoch == epoch;
    }

    @Override
    public NodeId self() {
        return node.id;
    }

    @Override
    public Membership members() {
        return sim.membership(node.id.service());
    }

    @Override
    public void send(NodeId to, Message m) {
        if (alive()) sim.send(node, to, m);
    }

    @Override
    public void reply(RequestId request, Object result) {
        if (alive()) sim.reply(node, request, result);
    }

    @Override
    public TimerId after(Duration delay, Object timer) {
        return sim.after(node, delay, timer, alive());
    }

    @Override
    public void cancel(TimerId timer) {
        if (alive() && timer != null) node.timers.remove(timer.value());
    }

    @Override
    public long nanoTime() {
        return node.monotonic.nanos();
    }

    @Override
    public PhysicalClock clock() {
        return node.clock;
    }

    @Override
    public LogicalClocks logical() {
        return node.logical;
    }

    @Override
    public Durable storage() {
        return storage;
    }

    @Override
    public void emit(String kind, Map<String, Object> fields) {
        if (alive()) sim.emit(node, kind, fields);
    }

    @Override
    public RandomGenerator random() {
        return node.random;
    }

    @Override
    public void crashPoint(String name) {
        if (alive() && node.armedCrashPoints.remove(name)) {
            sim.crashAt(node, name);
            throw new Simulation.CrashPointReached();
        }
    }

    /** The node's disk, but a dead incarnation cannot write to it any more. */
    private final class Guarded implements Durable {
        @Override
        public void put(String key, String value) {
            if (alive()) node.disk.put(key, value);
        }

        @Override
        public void putLazily(String key, String value) {
            if (alive()) node.disk.putLazily(key, value);
        }

        @Override
        public void forceLazy() {
            if (alive()) node.disk.forceLazy();
        }

        @Override
        public Optional<String> get(String key) {
            return node.disk.get(key);
        }

        @Override
        public void remove(String key) {
            if (alive()) node.disk.remove(key);
        }

        @Override
        public SortedMap<String, String> scan(String prefix) {
            return node.disk.scan(prefix);
        }
    }
}
