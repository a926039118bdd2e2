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

class AveragingSimulationTest {

    /**
     * Nodes that heard every broadcast end within the sum of their bounds of each other; every corrected clock lands
     * inside the hull of the clocks it averaged (so the skew can only shrink, up to the estimation error).
     */
    @Test
    void skewWithinTheComputedBoundAndInsideTheHull() {
        Refusals refusals = new Refusals("averaging");
        Seeds.run("averaging", 1000, seed -> {
            boolean faults = seed % 2 == 0;
            int n = 3 + (int) (seed % 3);
            int trim = seed % 4 == 1 ? 1 : -1;
            int intervals = 1 + (int) (seed / 3 % 2);
            int samples = 1 + (int) (seed / 6 % 3);
            SimCluster c = new SimCluster(seed, n, faults, TimeConfig.defaults()
                    .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofSeconds(2), trim, 10_000_000_000L)
                    .withAveraging(intervals, samples, Duration.ofMillis(10)));
            long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
            for (NodeId id : c.ids) {
                lo = Math.min(lo, c.settled(id));
                hi = Math.max(hi, c.settled(id));
            }
            long start = c.sim.now();
            // averaging needs no particular node: it is never refused
            SyncResult r = refusals.run(c, c.node(1 + (int) (seed % n)), SyncCommand.of(Algorithm.AVERAGING), faults, null);
            List<String> complete = new ArrayList<>();
            long worst = 0;
            for (SyncDone d : r.reports().values()) {
                if (d.applied() && Boolean.TRUE.equals(d.detail().get("complete"))) complete.add(d.node());
                worst = Math.max(worst, d.errorBoundNanos());
            }
            Bounds.pairwise(c, r, complete, start, "averaging");
            long slack = worst + Bounds.drift(c, c.sim.now() - start);
            for (NodeId id : c.ids) {
                long o = c.settled(id);
                check(o >= lo - slack && o <= hi + slack, id + " left the hull [" + lo + ", " + hi + "]: " + o, c, r);
            }
            if (!faults) {
                check(complete.size() == n, "everybody heard everybody", c, r);
                check(r.messages().count() == (long) intervals * samples * n * (n - 1)
                        && r.messages().count() == r.messages().expected(), "n(n−1) per broadcast: " + r.messages(), c, r);
                check(r.after().maxSkewNanos() <= r.skewBoundNanos() + Bounds.pairDrift(c, c.sim.now() - start),
                        "after skew beyond the computed bound", c, r);
            }
        });
        refusals.assertWithinFaultModel();
    }

    /**
     * With delays known and symmetric, correcting for propagation makes every estimate exact, so the clocks meet at
     * the mean of the readings (a missing correction would pull everybody back by about the delay).
     */
    @Test
    void clocksMeetAtTheirMeanWhenDelaysAreSymmetric() {
        Seeds.run("averaging-mean", 100, seed -> {
            int intervals = 1 + (int) (seed % 2);
            dsys.core.sim.Simulation sim = new dsys.core.sim.Simulation(seed);
            sim.network().delay(Duration.ofMillis(5), Duration.ofMillis(5));
            java.util.SplittableRandom rnd = new java.util.SplittableRandom(seed);
            TimeConfig cfg = TimeConfig.defaults().withAveraging(intervals, 2, Duration.ofMillis(10)) // m = 0: the plain mean
                    .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(20), Duration.ofSeconds(2), 0, 10_000_000_000L);
            long sum = 0;
            for (int i = 1; i <= 4; i++) {
                long offset = rnd.nextLong(-5_000_000_000L, 5_000_000_000L);
                sum += offset;
                sim.add(NodeId.of("time-" + i), env -> new dsys.time.core.TimeNodeCore(env, cfg), offset, 0);
            }
            dsys.core.sim.SimRequest r = sim.request(NodeId.of("time-1"), SyncCommand.of(Algorithm.AVERAGING));
            org.assertj.core.api.Assertions.assertThat(sim.runUntil(r::finished, Duration.ofMinutes(2))).isTrue();
            long mean = sum / 4;
            for (NodeId n : sim.nodes()) {
                long settled = sim.clock(n).offsetNanos() + sim.clock(n).pendingSlewNanos();
                org.assertj.core.api.Assertions.assertThat(Math.abs(settled - mean)).as(n + " at the mean").isLessThan(20_000);
            }
        });
    }
}
