package dsys.platform.host;

import dsys.core.clock.LogicalClocks;
import dsys.core.clock.PhysicalClock;
import dsys.core.env.Durable;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.env.TimerId;
import dsys.core.event.Event;
import dsys.core.message.Envelope;
import dsys.core.message.Message;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;
import dsys.platform.tracing.Traceparent;

import java.time.Duration;
import java.util.Map;
import java.util.random.RandomGenerator;

/** The Env of one core on a live node; every call comes from inside the node's serial section. */
final class LiveEnv implements Env {

    private final NodeRuntime node;
    private final CoreHost host;

    LiveEnv(NodeRuntime node, CoreHost host) {
        this.node = node;
        this.host = host;
    }

    @Override
    public NodeId self() {
        return node.identity.self();
    }

    @Override
    public Membership members() {
        return node.identity.members();
    }

    @Override
    public void send(NodeId to, Message m) {
        node.logical.tick();
        String id = self().value() + "-" + node.messageSeq.incrementAndGet();
        Envelope e = new Envelope(id, self(), to, m.type(), node.logical.lamport(), node.logical.vector(), m,
                node.stepTrace());
        host.countSent(m.type());
        node.journal.sent(e);
        if (to.equals(self())) {
            node.output(() -> node.deliver(host, e)); // to itself: never crosses the network
        } else {
            node.output(() -> node.transport().send(host.group(), e));
        }
    }

    @Override
    public void reply(RequestId request, Object result) {
        Runnable complete = () -> host.complete(request, result);
        String trace = node.stepTrace(); // a caller on this node that goes on with the answer stays in the trace
        node.output(trace == null ? complete : () -> node.inTrace(trace, complete)); // untraced: no wrapper per reply
    }

    @Override
    public TimerId after(Duration delay, Object timer) {
        return host.schedule(delay, timer);
    }

    @Override
    public void cancel(TimerId timer) {
        host.cancelTimer(timer);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
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
        return node.storage;
    }

    @Override
    public void emit(String kind, Map<String, Object> fields) {
        node.logical.tick();
        String trace = node.stepTrace();
        node.emit(new Event(node.identity.service(), self().value(), kind, node.logical.lamport(),
                node.logical.vector(), System.currentTimeMillis(), node.clock.millis(), fields,
                trace == null ? null : Traceparent.traceId(trace)), trace);
    }

    @Override
    public RandomGenerator random() {
        return node.random;
    }

    @Override
    public void crashPoint(String name) {
        if (node.faults.fireCrashPoint(name)) throw new NodeRuntime.CrashSignal(name);
    }
}
