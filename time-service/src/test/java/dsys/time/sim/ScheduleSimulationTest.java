package dsys.time.sim;

import dsys.core.env.Rejection;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.time.core.TimeConfig;
import dsys.time.schedule.ScheduleInfo;
import dsys.time.schedule.ScheduleSet;
import dsys.time.schedule.ScheduleStop;
import dsys.time.sync.Algorithm;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dsys.time.sim.Bounds.check;
import static dsys.time.sim.SimCluster.MS;

/** Resynchronizing every (δ − s₀)/(2ρ) keeps the clocks (as they read, not settled) within δ of each other. */
class ScheduleSimulationTest {

    @Test
    void skewStaysUnderDeltaBetweenRounds() {
        Seeds.run("schedule", 40, seed -> {
            SimCluster c = new SimCluster(seed, 3, false, TimeConfig.defaults());
            Algorithm a = Algorithm.values()[(int) (seed % 4)];
            long delta = 30 * MS;
            Object set = c.call(c.node(2), new ScheduleSet(a, delta));
            check(set instanceof ScheduleInfo i && i.active(), "schedule set: " + set, c, set);
            // The first round corrects seconds; slewing them away takes up to twice as long. Then the watch begins.
            c.sim.runUntil(() -> c.core(c.node(2)).schedule().rounds() >= 1
                    && c.ids.stream().allMatch(n -> c.clock(n).pendingSlewNanos() == 0), Duration.ofSeconds(60));
            long watch = Duration.ofMinutes(5).toNanos();
            long end = c.sim.now() + watch;
            long worst = 0;
            while (c.sim.now() < end) {
                c.sim.runFor(Duration.ofMillis(500));
                long lo = Long.MAX_VALUE, hi = Long.MIN_VALUE;
                for (NodeId n : c.ids) {
                    lo = Math.min(lo, c.clock(n).offsetNanos());
                    hi = Math.max(hi, c.clock(n).offsetNanos());
                }
                worst = Math.max(worst, hi - lo);
                check(hi - lo <= delta, a + ": skew " + (hi - lo) / 1e6 + " ms > δ at t=" + c.sim.now() / 1e6 + " ms", c,
                        c.core(c.node(2)).schedule());
            }
            ScheduleInfo info = c.core(c.node(2)).schedule();
            // each wait plus its round is at most δ/(2ρ) of the coordinator's clock, which runs at least (1 − ρ) fast
            long due = 1 + (long) (watch * (1 - SimCluster.CLOCKS.rho()) / info.notesIntervalNanos());
            check(info.rounds() >= due, a + ": rounds kept coming, " + due + " due (" + info + ")", c, info);
            check(info.notesIntervalNanos() == (long) (delta / (2 * info.rhoPpm() / 1e6)), "δ/(2ρ) reported", c, info);
            Object stopped = c.call(c.node(3), new ScheduleStop()); // any node stops it
            long rounds = c.core(c.node(2)).schedule().rounds();
            c.sim.runFor(Duration.ofMinutes(2));
            check(!c.core(c.node(2)).schedule().active() && c.core(c.node(2)).schedule().rounds() <= rounds,
                    "stopped everywhere: " + stopped, c, c.core(c.node(2)).schedule());
        });
    }

    @Test
    void aSkewTooSmallForTheDriftIsRefused() {
        SimCluster c = new SimCluster(7, 3, false, TimeConfig.defaults());
        Object r = c.call(c.node(1), new ScheduleSet(Algorithm.NTP, 10_000)); // 10 µs at hundreds of ppm
        check(r instanceof Rejection rej && rej.status() == 400 && rej.detail().contains("δ/(2ρ)"), "refused: " + r, c, r);
    }
}
