package dsys.core.sim;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Tiny cores that exercise the simulator, not any algorithm. */
final class TestCores {

    private TestCores() {
    }

    static NodeId id(String s) {
        return NodeId.of(s);
    }

    record Ping(int n) implements Message {
    }

    record Pong(int n) implements Message {
    }

    record Gossip(String origin, int round) implements Message {
    }

    /**
     * Remembers what it receives and answers pings with pongs. A request whose body is a NodeId pings that node
     * and is answered with the pong's sender; any other body is echoed back at once.
     */
    static final class Echo implements Core {
        final Env env;
        final List<String> received = new ArrayList<>();
        final List<Object> timers = new ArrayList<>();
        private final Map<Integer, RequestId> waiting = new HashMap<>();
        private int next;

        Echo(Env env) {
            this.env = env;
        }

        @Override
        public void onRequest(RequestId request, Object body) {
            if (body instanceof NodeId to) {
                waiting.put(++next, request);
                env.send(to, new Ping(next));
            } else {
                env.reply(request, body);
            }
        }

        @Override
        public void onMessage(NodeId from, Message m) {
            received.add(from + ":" + m);
            if (m instanceof Ping p) env.send(from, new Pong(p.n()));
            if (m instanceof Pong p && waiting.containsKey(p.n())) env.reply(waiting.remove(p.n()), from);
        }

        @Override
        public void onTimer(Object timer) {
            timers.add(timer);
        }
    }

    /** Only counts: a receiver for rate measurements that sends nothing back. */
    static final class Sink implements Core {
        final Env env;
        int received;

        Sink(Env env) {
            this.env = env;
        }

        @Override
        public void onRequest(RequestId request, Object body) {
        }

        @Override
        public void onMessage(NodeId from, Message message) {
            received++;
        }
    }

    /**
     * Gossip driven by timers and the node's random generator: every few ms it sends a rumour to a random peer,
     * and answers some rumours. Exercises every source of nondeterminism a real core has.
     */
    static final class Gossiper implements Core {
        private final Env env;
        private int round;

        Gossiper(Env env) {
            this.env = env;
        }

        @Override
        public void onStart() {
            env.after(Duration.ofMillis(1 + env.random().nextInt(5)), "tick");
        }

        @Override
        public void onRecover() {
            round = Integer.parseInt(env.storage().get("round").orElse("0"));
            onStart();
        }

        @Override
        public void onTimer(Object timer) {
            round++;
            env.storage().put("round", Integer.toString(round));
            List<NodeId> peers = env.members().others(env.self());
            NodeId to = peers.get(env.random().nextInt(peers.size()));
            env.send(to, new Gossip(env.self().value(), round));
            env.emit("gossip.send", Map.of("to", to.value(), "round", round, "clock", env.clock().millis()));
            if (round < 40) env.after(Duration.ofMillis(1 + env.random().nextInt(8)), "tick");
        }

        @Override
        public void onRequest(RequestId request, Object body) {
            env.reply(request, round);
        }

        @Override
        public void onMessage(NodeId from, Message m) {
            Gossip g = (Gossip) m;
            env.emit("gossip.recv", Map.of("from", from.value(), "round", g.round()));
            if (env.random().nextDouble() < 0.3) env.send(from, new Gossip(env.self().value(), -g.round()));
        }
    }

    /**
     * A counter whose value is durable and whose "volatile" field is not. Request "inc" passes two crash points
     * around the write; onRecover reloads from storage. Optionally keeps a periodic timer.
     */
    static final class Counter implements Core {
        final Env env;
        final boolean tick;
        int value;          // reloaded from storage on recover
        int volatileSeen;   // requests this incarnation saw; lost on crash
        boolean recovered;
        boolean started;
        final List<Object> timers = new ArrayList<>();

        Counter(Env env, boolean tick) {
            this.env = env;
            this.tick = tick;
        }

        @Override
        public void onStart() {
            started = true;
            if (tick) env.after(Duration.ofMillis(10), "tick@" + env.nanoTime());
        }

        @Override
        public void onRecover() {
            recovered = true;
            value = Integer.parseInt(env.storage().get("value").orElse("0"));
        }

        @Override
        public void onRequest(RequestId request, Object body) {
            volatileSeen++;
            env.crashPoint("before-persist");
            value++;
            env.storage().put("value", Integer.toString(value));
            env.crashPoint("after-persist");
            env.reply(request, value);
        }

        @Override
        public void onMessage(NodeId from, Message message) {
        }

        @Override
        public void onTimer(Object timer) {
            timers.add(timer);
            if (tick) env.after(Duration.ofMillis(10), "tick@" + env.nanoTime());
        }
    }
}
