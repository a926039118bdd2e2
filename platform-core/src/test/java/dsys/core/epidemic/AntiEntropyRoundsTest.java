package dsys.core.epidemic;

import dsys.core.sim.Seeds;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Anti-entropy spreads one update to all n replicas in O(log n) rounds (notes §4.4.2.1.1; Demers et al.; push-pull
 * needs about log2(n) + ln ln n). One node of n writes, anti-entropy alone runs (every replica starts one exchange
 * per 200 ms period, at its own phase), and the time until every replica holds the update is counted in periods.
 * Asserted for push-pull, averaged over the seeds: rounds(n) / log2(n) stays within [0.45, 1.2] for n = 16..1024
 * (below 1 because a replica also answers the exchanges others start, about two contacts per period); the least
 * squares line of rounds against log2(n) rises 0.3..1.5 rounds per doubling of n; and growth is far from linear:
 * n grows 64×, rounds less than 3×. Push and pull are measured (one run each) and printed beside it.
 * {@code -Ddsys.seeds=N} averages over N runs per point (3 by default); {@code -Ddsys.epidemic.large=true} adds
 * n = 2048 and 4096.
 */
class AntiEntropyRoundsTest {

    static final int[] SIZES = Boolean.getBoolean("dsys.epidemic.large")
            ? new int[]{16, 32, 64, 128, 256, 512, 1024, 2048, 4096} : new int[]{16, 32, 64, 128, 256, 512, 1024};
    static final long PERIOD_MS = 200;

    @Test
    void pushPullRoundsGrowLikeLogN() {
        int seeds = 3;
        Map<Integer, Double> pushPull = new LinkedHashMap<>();
        StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                "%n     n  log2(n)   push  pull  push-pull  push-pull/log2(n)   (rounds of %d ms; push and pull: one run each)%n", PERIOD_MS));
        for (int n : SIZES) {
            double push = mean(n, Exchange.PUSH, 1), pull = mean(n, Exchange.PULL, 1); // shown, not asserted
            double pp = mean(n, Exchange.PUSH_PULL, seeds);
            pushPull.put(n, pp);
            double log = Math.log(n) / Math.log(2);
            table.append(String.format(Locale.ROOT, "  %4d    %5.1f  %5.2f %5.2f      %5.2f              %4.2f%n",
                    n, log, push, pull, pp, pp / log));
        }
        table.append(String.format(Locale.ROOT, "  push-pull: %.2f rounds per doubling of n (least squares)%n", slope(pushPull)));
        System.out.println("anti-entropy rounds to reach every replica" + table);
        for (int n : SIZES) {
            double perLog = pushPull.get(n) / (Math.log(n) / Math.log(2));
            assertThat(perLog).as("push-pull rounds/log2(n) at n=%d", n).isBetween(0.45, 1.2);
        }
        assertThat(slope(pushPull)).as("push-pull rounds per doubling of n").isBetween(0.3, 1.5);
        assertThat(pushPull.get(1024) / pushPull.get(16)).as("rounds(1024)/rounds(16): sub-linear").isLessThan(3.0);
    }

    /** The least-squares slope of rounds against log2(n). */
    static double slope(Map<Integer, Double> rounds) {
        double n = rounds.size(), sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (Map.Entry<Integer, Double> e : rounds.entrySet()) {
            double x = Math.log(e.getKey()) / Math.log(2), y = e.getValue();
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    private static double mean(int n, Exchange how, int seeds) {
        double[] sum = {0};
        int[] runs = {0};
        Seeds.run("anti-entropy " + how + " n=" + n, seeds, seed -> {
            sum[0] += rounds(seed * 7919 + n, n, how);
            runs[0]++;
        });
        return sum[0] / runs[0];
    }

    /** Periods from the write until every replica holds it. */
    static double rounds(long seed, int n, Exchange how) {
        EpidemicSettings s = new EpidemicSettings(0, 1, PERIOD_MS, how, 60_000, 2, 64 * 1024);
        EpidemicCluster c = new EpidemicCluster(seed, n, s, true);
        c.sim.runFor(Duration.ofMillis(PERIOD_MS)); // every replica has its round phase by now
        long start = c.sim.now();
        c.await(c.write(c.nodes.get(0), "x", "1"));
        if (!c.sim.runUntil(() -> c.learned.getOrDefault("x", 0) == n, Duration.ofMinutes(5))) {
            throw new AssertionError("not every replica got the update: " + c.learned.get("x") + " of " + n);
        }
        for (var node : c.nodes) assertThat(c.disk(node).get("x")).as("on the disk of " + node).isNotNull();
        return (c.sim.now() - start) / (PERIOD_MS * 1e6);
    }
}
