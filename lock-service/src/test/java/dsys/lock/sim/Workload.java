package dsys.lock.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.SimRequest;
import dsys.core.env.Rejection;
import dsys.lock.lease.Fencing;
import dsys.lock.node.LockReplies.Granted;
import dsys.lock.node.LockRequests;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Clients that loop acquire → hold → (renew) → release against random nodes (so releases are often routed to
 * the holder's node), until {@code until}. Holding past the lease, renewing, and giving up are all in the mix.
 */
public final class Workload {

    private final LockSim ls;
    private final SplittableRandom rnd;
    private final List<String> locks;
    private final long untilNanos;
    private final long maxLeaseMs;
    private int finishedOps;
    private int grants;
    private boolean fencedWrites;
    private int fencedAccepted;
    private int forgedAccepted;

    public Workload(LockSim ls, SplittableRandom rnd, List<String> locks, Duration until, long maxLeaseMs) {
        this.ls = ls;
        this.rnd = rnd;
        this.locks = locks;
        this.untilNanos = until.toNanos();
        this.maxLeaseMs = maxLeaseMs;
    }

    public void start(int clients) {
        for (int c = 1; c <= clients; c++) {
            String owner = "c" + c;
            ls.sim.at(Duration.ofMillis(rnd.nextInt(20)), () -> next(owner));
        }
    }

    /**
     * Holders also write to the fenced resource with their token (through any node: on grant, and again when done,
     * perhaps past the lease), and now and then a client writes with a token the service never issued.
     */
    public Workload withFencedWrites() {
        fencedWrites = true;
        return this;
    }

    public int fencedAccepted() {
        return fencedAccepted;
    }

    /** Writes with forged tokens that were accepted: must stay 0. */
    public int forgedAccepted() {
        return forgedAccepted;
    }

    public int grants() {
        return grants;
    }

    public int finishedOps() {
        return finishedOps;
    }

    private NodeId anyNode() {
        return ls.nodes.get(rnd.nextInt(ls.nodes.size()));
    }

    private void later(long ms, Runnable r) {
        ls.sim.at(Duration.ofNanos(ls.sim.now() + ms * 1_000_000L), r);
    }

    private void next(String owner) {
        if (ls.sim.now() >= untilNanos) return;
        long lease = 40 + rnd.nextLong(maxLeaseMs - 40);
        long wait = rnd.nextLong(600);
        SimRequest r = ls.acquire(anyNode(), locks.get(rnd.nextInt(locks.size())), owner, lease, wait);
        poll(r, () -> {
            finishedOps++;
            if (r.done() && r.result() instanceof Granted g) {
                grants++;
                if (fencedWrites) write(g, g.fencingToken(), false, () -> hold(owner, g, 0));
                else hold(owner, g, 0);
            } else {
                later(1 + rnd.nextInt(30), () -> next(owner));
            }
        });
    }

    /** Holds for a while (sometimes past the lease), maybe renews, then releases through any node. */
    private void hold(String owner, Granted g, int renewals) {
        long holdMs = rnd.nextInt(10) == 0 ? g.leaseMs() + 20 : rnd.nextLong(Math.max(1, g.leaseMs() * 2 / 3));
        later(holdMs, () -> {
            if (renewals < 2 && rnd.nextInt(4) == 0) {
                SimRequest r = ls.renew(anyNode(), g);
                poll(r, () -> {
                    if (r.done() && !(r.result() instanceof dsys.core.env.Rejection)) hold(owner, g, renewals + 1);
                    else later(1 + rnd.nextInt(30), () -> next(owner));
                });
                return;
            }
            Runnable release = () -> {
                SimRequest r = ls.release(anyNode(), g);
                poll(r, () -> later(1 + rnd.nextInt(30), () -> next(owner)));
            };
            if (!fencedWrites) release.run();
            else if (rnd.nextInt(6) == 0) write(g, forged(g), true, release);
            else write(g, g.fencingToken(), false, release);
        });
    }

    /** Tokens no grant ever carried: beyond any epoch this run reaches, or from a node index nobody has. */
    private long forged(Granted g) {
        return switch (rnd.nextInt(3)) {
            case 0 -> Long.MAX_VALUE;
            case 1 -> Fencing.token(Fencing.MAX_EPOCH, Fencing.seq(g.fencingToken()), Fencing.node(g.fencingToken()));
            default -> g.fencingToken() + (1L << 40);   // a later sequence number at the same node and epoch
        };
    }

    private void write(Granted g, long token, boolean forged, Runnable then) {
        SimRequest w = ls.sim.request(anyNode(), new LockRequests.FencedWrite(g.name(), token, g.owner()));
        poll(w, () -> {
            if (w.done() && !(w.result() instanceof Rejection)) {
                if (forged) forgedAccepted++;
                else fencedAccepted++;
            }
            then.run();
        });
    }

    private void poll(SimRequest r, Runnable then) {
        later(2, () -> {
            if (r.finished()) then.run();
            else poll(r, then);
        });
    }
}
