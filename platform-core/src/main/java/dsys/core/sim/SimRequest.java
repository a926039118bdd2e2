package dsys.core.sim;

import dsys.core.env.Rejection;
import dsys.core.env.RequestId;
import dsys.core.node.NodeId;

import java.util.function.Consumer;

/**
 * A client request in the simulator, as a history recorder sees it: invoked at a virtual time, then either
 * answered ({@link #done()}) or cut off by a crash of its node ({@link #crashed()}). A crashed request whose core
 * had already seen it ({@link #delivered()}) has an unknown outcome; one that never reached a core surely failed.
 */
public final class SimRequest {

    private final RequestId id;
    private final NodeId node;
    private final Object body;
    private final long invokedAt;
    private final Consumer<SimRequest> onFinish;
    private boolean delivered;
    private boolean done;
    private boolean crashed;
    private Object result;
    private long completedAt = -1;

    SimRequest(RequestId id, NodeId node, Object body, long invokedAt, Consumer<SimRequest> onFinish) {
        this.id = id;
        this.node = node;
        this.body = body;
        this.invokedAt = invokedAt;
        this.onFinish = onFinish;
    }

    /** The core replied. */
    public boolean done() {
        return done;
    }

    /** The node crashed (or was down) before replying. */
    public boolean crashed() {
        return crashed;
    }

    /** Either done or crashed: nothing more will happen to this request. */
    public boolean finished() {
        return done || crashed;
    }

    /** The core's onRequest was called with it. */
    public boolean delivered() {
        return delivered;
    }

    /** The reply; throws while not done (including after a crash). */
    public Object result() {
        if (!done) throw new IllegalStateException("request " + id + " to " + node + " is not done"
                + (crashed ? " (its node crashed)" : " (still pending)"));
        return result;
    }

    /** The core answered with a {@link Rejection}. */
    public boolean rejected() {
        return done && result instanceof Rejection;
    }

    public long invokedAt() {
        return invokedAt;
    }

    /** Virtual time of the reply or the crash; -1 while pending. */
    public long completedAt() {
        return completedAt;
    }

    public NodeId node() {
        return node;
    }

    public Object body() {
        return body;
    }

    public RequestId id() {
        return id;
    }

    void markDelivered() {
        delivered = true;
    }

    /** First reply wins; returns false when it was already finished. */
    boolean complete(Object value, long at) {
        if (finished()) return false;
        done = true;
        result = value;
        completedAt = at;
        onFinish.accept(this);
        return true;
    }

    void crash(long at) {
        if (finished()) return;
        crashed = true;
        completedAt = at;
        onFinish.accept(this);
    }

    @Override
    public String toString() {
        String state = done ? "ok " + result : crashed ? "crashed" : "pending";
        return id + "@" + node + " " + body + " → " + state;
    }
}
