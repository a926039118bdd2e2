package dsys.lock.node;

import dsys.core.node.NodeId;
import dsys.lock.quorum.EpochInfo;

/** What every mutex algorithm keeps alike: its node, the epoch it runs in, and whether it was stopped. */
public abstract class EpochScopedMutex implements MutexAlgorithm {

    protected final LockContext ctx;
    protected final NodeId self;
    protected EpochInfo epoch;
    protected boolean stopped;

    protected EpochScopedMutex(LockContext ctx) {
        this.ctx = ctx;
        this.self = ctx.env().self();
    }

    @Override
    public void stop() {
        stopped = true;
    }

    /** Running, and a member of the current epoch. */
    protected boolean active() {
        return !stopped && epoch.member(self);
    }

    /** Host monotonic time: leases and timeouts never use the (skewable) node clock. */
    public long now() {
        return ctx.env().nanoTime();
    }
}
