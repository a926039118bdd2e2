package dsys.lock.node;

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
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The node's Env with storage keys under a prefix. A node's storage is shared by all its cores, and the
 * coordination core next to this one runs its own bully election with the same key names as ours.
 */
final class ScopedEnv implements Env {

    private final Env env;
    private final Durable storage;

    ScopedEnv(Env env, String prefix) {
        this.env = env;
        Durable d = env.storage();
        this.storage = new Durable() {
            @Override
            public void put(String key, String value) {
                d.put(prefix + key, value);
            }

            @Override
            public java.util.Optional<String> get(String key) {
                return d.get(prefix + key);
            }

            @Override
            public void remove(String key) {
                d.remove(prefix + key);
            }

            @Override
            public SortedMap<String, String> scan(String p) {
                SortedMap<String, String> out = new TreeMap<>();
                d.scan(prefix + p).forEach((k, v) -> out.put(k.substring(prefix.length()), v));
                return out;
            }
        };
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
        return storage;
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
