package dsys.lock.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.lock.node.LockReplies.Granted;

import java.time.Duration;

/** A client that acquires, holds for {@code holdMs}, releases, and starts again, always through one node. */
final class Loop {

    private final LockSim ls;
    private final NodeId node;
    private final String owner;
    private final String lock;
    private final long holdMs;
    private boolean running = true;
    int entries;

    Loop(LockSim ls, NodeId node, String owner, String lock, long holdMs) {
        this.ls = ls;
        this.node = node;
        this.owner = owner;
        this.lock = lock;
        this.holdMs = holdMs;
    }

    Loop start() {
        acquire();
        return this;
    }

    void stop() {
        running = false;
    }

    private void acquire() {
        if (!running) return;
        SimRequest r = ls.acquire(node, lock, owner, 500, 3_000);
        poll(r, () -> {
            if (!(r.result() instanceof Granted g)) throw new AssertionError("failure-free acquire refused: " + r);
            entries++;
            at(holdMs, () -> {
                SimRequest rel = ls.release(node, g);
                poll(rel, this::acquire);
            });
        });
    }

    private void poll(SimRequest r, Runnable then) {
        at(1, () -> {
            if (r.finished()) then.run();
            else poll(r, then);
        });
    }

    private void at(long ms, Runnable r) {
        ls.sim.at(Duration.ofNanos(ls.sim.now() + ms * 1_000_000L), r);
    }
}
