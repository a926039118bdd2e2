package dsys.time.sim;

import dsys.core.node.NodeId;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;
import dsys.time.sync.SyncResult;

import java.util.List;

/** Assertions shared by the simulation tests. */
final class Bounds {

    private Bounds() {
    }

    /** How much two clocks can drift apart in {@code nanos} of true time: 2ρ each way, plus rounding. */
    static long pairDrift(SimCluster c, long nanos) {
        return (long) Math.ceil(4 * SimCluster.MAX_DRIFT_PPM / 1e6 * nanos) + 2 * TimeConfig.SLACK_NANOS;
    }

    static long drift(SimCluster c, long nanos) {
        return (long) Math.ceil(2 * SimCluster.MAX_DRIFT_PPM / 1e6 * nanos) + TimeConfig.SLACK_NANOS;
    }

    /** Every pair among {@code nodes} within the sum of their reported shares, plus drift since the round began. */
    static void pairwise(SimCluster c, SyncResult r, List<String> nodes, long since, String what) {
        for (String a : nodes) {
            for (String b : nodes) {
                if (a.compareTo(b) >= 0) continue;
                long skew = Math.abs(c.settled(NodeId.of(a)) - c.settled(NodeId.of(b)));
                long bound = share(r, a) + share(r, b) + pairDrift(c, c.sim.now() - since);
                if (skew > bound) {
                    throw new AssertionError(what + ": " + a + "–" + b + " skew " + skew / 1e6 + " ms > bound "
                            + bound / 1e6 + " ms\n" + r + "\n" + c.describe());
                }
            }
        }
    }

    static long share(SyncResult r, String node) {
        SyncDone d = r.reports().get(node);
        return d == null || !d.applied() ? 0 : d.errorBoundNanos();
    }

    static void check(boolean ok, String message, SimCluster c, Object result) {
        if (!ok) throw new AssertionError(message + "\n" + result + "\n" + c.describe());
    }
}
