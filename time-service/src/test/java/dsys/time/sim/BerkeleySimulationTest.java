package dsys.time.sim;

import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.time.core.SyncDone;
import dsys.time.core.TimeConfig;
import dsys.time.sync.Algorithm;
import dsys.time.sync.SyncCommand;
import dsys.time.sync.SyncResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dsys.time.sim.Bounds.check;
import static dsys.time.sim.SimCluster.MS;

class BerkeleySimulationTest {

    /** Every pair of clocks the daemon corrected is within the sum of their (RTT − I)/2 estimates' errors. */
    @Test
    void correctedClocksWithinTheComputedBound() {
        Refusals refusals = new Refusals("berkeley");
        Seeds.run("berkeley", 1000, seed -> {
            boolean faults = seed % 2 == 0;
            int n = 3 + (int) (seed % 3);
            SimCluster c = new SimCluster(seed, n, faults, TimeConfig.defaults());
            long start = c.sim.now();
            int k = 1 + (int) (seed / 3 % 3);
            SyncResult r = refusals.run(c, c.node(1 + (int) (seed % n)), new SyncCommand(Algorithm.BERKELEY, null, k),
                    faults, c.config.berkeleyDaemon());
            if (r == null) return;
            List<String> corrected = new ArrayList<>();
            for (SyncDone d : r.reports().values()) if (d.applied()) corrected.add(d.node());
            // A member's delta came from the daemon, which corrected itself then (its own report may be lost).
            if (!corrected.isEmpty() && !corrected.contains("time-1")) corrected.add("time-1");
            check(faults || corrected.contains("time-1"), "the daemon corrects itself", c, r);
            Bounds.pairwise(c, r, corrected, start, "berkeley");
            if (!faults) {
                check(corrected.size() == n, "every machine corrected", c, r);
                check(r.messages().count() == (2L * k + 1) * (n - 1) && r.messages().expected() == r.messages().count(),
                        "(2k+1)(n−1) messages (3(n−1) for k = 1): " + r.messages(), c, r);
                check(r.after().maxSkewNanos() <= r.skewBoundNanos() + Bounds.pairDrift(c, c.sim.now() - start),
                        "after skew beyond the computed bound", c, r);
            }
        });
        refusals.assertWithinFaultModel();
    }

    /** A clock far from the others is left out of the average but still told its delta (fault tolerance). */
    @Test
    void outlierIsIgnoredInTheAverageButCorrected() {
        Seeds.run("berkeley-outlier", 100, seed -> {
            SimCluster c = new SimCluster(seed, 4, false, TimeConfig.defaults());
            NodeId outlier = c.node(4);
            c.setOffset(outlier, 60_000 * MS); // a minute ahead, far beyond 10 s from the median
            long start = c.sim.now();
            SyncResult r = c.sync(c.node(2), SyncCommand.of(Algorithm.BERKELEY));
            SyncDone daemon = r.reports().get("time-1");
            check(((List<?>) daemon.detail().get("ignored")).contains("time-4"), "time-4 ignored", c, r);
            long others = 0;
            for (int i = 1; i <= 3; i++) others = Math.max(others, Math.abs(c.settled(c.node(i))));
            check(others < 6_000 * MS, "the average was not dragged a minute ahead", c, r);
            Bounds.pairwise(c, r, List.of("time-1", "time-2", "time-3", "time-4"), start, "berkeley-outlier");
        });
    }
}
