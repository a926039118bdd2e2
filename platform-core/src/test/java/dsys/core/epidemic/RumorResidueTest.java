package dsys.core.epidemic;

import dsys.core.sim.Seeds;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rumor mongering's residue (notes §4.4.2.1.2; Demers et al. 1987): with push, feedback and a coin of 1/k, the
 * fraction s of nodes a rumor never reaches solves s = e^{-(k+1)(1-s)} (k = 1: 0.203, 2: 0.060, 3: 0.020, 4: 0.007).
 * One node of 1000 writes one update, rumor mongering alone spreads it until every node lost interest, and the
 * nodes whose disk lacks it are counted. Averaged over the seeds, the measured residue must lie within 35% of
 * theory or 0.005 absolute, whichever is wider (the theory is the infinite-population limit; a run of 1000 nodes
 * has its own spread, and pushes here overlap in time where the model has one contact at a time).
 * {@code -Ddsys.seeds=N} averages over N runs per k (3 by default); {@code -Ddsys.epidemic.n=N} changes the population.
 */
class RumorResidueTest {

    static final int N = Integer.getInteger("dsys.epidemic.n", 1000);

    @Test
    void residueMatchesTheory() {
        int seeds = 3;
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n  k   theory   measured   (n = %d)%n", N));
        for (int k = 1; k <= 4; k++) {
            double theory = theory(k);
            double[] sum = {0};
            int[] runs = {0};
            int kk = k;
            Seeds.run("residue k=" + k, seeds, seed -> {
                sum[0] += residue(seed * 10 + kk, kk);
                runs[0]++;
            });
            double measured = sum[0] / runs[0];
            table.append(String.format(Locale.ROOT, "  %d   %.4f   %.4f   (%d runs)%n", k, theory, measured, runs[0]));
            double tolerance = Math.max(0.005, 0.35 * theory);
            assertThat(Math.abs(measured - theory)).as("k=%d: measured %.4f, theory %.4f", k, measured, theory)
                    .isLessThanOrEqualTo(tolerance);
        }
        System.out.println("rumor mongering residue" + table);
    }

    /** The fraction of nodes one rumor did not reach. */
    static double residue(long seed, int k) {
        EpidemicCluster c = new EpidemicCluster(seed, N, EpidemicSettings.sim().rumorsOnly(k), true);
        c.sim.runFor(Duration.ofMillis(1));
        Update u = c.await(c.write(c.nodes.get(0), "x", "1"));
        for (int i = 0; c.rumorsActive(); i++) { // checked every 100 ms, not after each of ~20,000 steps
            if (i > 6000) throw new AssertionError("rumors never died out");
            c.sim.runFor(Duration.ofMillis(100));
        }
        long reached = c.nodes.stream().filter(n -> c.node(n).epidemic.read("x") != null).count();
        assertThat(c.holding("x", u)).as("disks agree with memory").isEqualTo(reached);
        return (N - reached) / (double) N;
    }

    /** The root in (0, 1) of s = e^{-(k+1)(1-s)}, by fixed-point iteration from 0. */
    static double theory(int k) {
        double s = 0;
        for (int i = 0; i < 10_000; i++) s = Math.exp(-(k + 1) * (1 - s));
        return s;
    }
}
