package dsys.core.sim;

import dsys.core.clock.DriftingClock;
import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dsys.core.sim.TestCores.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Every node gets its own seeded clocks within the simulation's bounds; nanoTime and timers run on them. */
class ClockBoundsTest {

    private static List<DriftingClock> clocks(long seed, ClockBounds bounds) {
        Simulation sim = new Simulation(seed).clockBounds(bounds);
        List<DriftingClock> out = new ArrayList<>();
        for (int i = 1; i <= 20; i++) out.add(sim.add(id("c-" + i), TestCores.Sink::new).clock());
        return out;
    }

    @Test
    void clocksAreDrawnFromTheSeedWithinTheBounds() {
        ClockBounds bounds = new ClockBounds(Duration.ofSeconds(2), 500);
        List<DriftingClock> a = clocks(3, bounds), again = clocks(3, bounds), other = clocks(4, bounds);
        assertThat(a).allSatisfy(c -> {
            assertThat(Math.abs(c.offsetNanos())).isLessThanOrEqualTo(2_000_000_000L);
            assertThat(Math.abs(c.driftPpm())).isLessThanOrEqualTo(500);
        });
        assertThat(a.stream().mapToDouble(DriftingClock::driftPpm).max().orElseThrow()).as("spread over the bound").isGreaterThan(250);
        assertThat(a.stream().mapToDouble(DriftingClock::driftPpm).min().orElseThrow()).isLessThan(-250);
        assertThat(again).extracting(DriftingClock::driftPpm).isEqualTo(a.stream().map(DriftingClock::driftPpm).toList());
        assertThat(other).extracting(DriftingClock::driftPpm).isNotEqualTo(a.stream().map(DriftingClock::driftPpm).toList());
        assertThat(new Simulation(1).clockBounds()).as("the default").isEqualTo(ClockBounds.REALISTIC);
        assertThat(clocks(3, ClockBounds.PERFECT)).allSatisfy(c -> assertThat(c.driftPpm()).isZero());
        assertThatIllegalArgumentException().isThrownBy(() -> new ClockBounds(Duration.ofSeconds(1), -1));
    }

    @Test
    void nanoTimeAndTimersRunOnTheNodesDriftingMonotonicClock() {
        for (double ppm : new double[]{1000, -1000}) {
            Simulation sim = new Simulation(1);
            NodeId n = id("d-1");
            sim.add(n, TestCores.Echo::new, 5_000_000_000L, ppm);
            TestCores.Echo e = (TestCores.Echo) sim.core(n);
            long setAt = e.env.nanoTime();
            e.env.after(Duration.ofMillis(100), "due");
            long fires = (long) Math.ceil(100_000_000 / (1 + ppm / 1e6));
            sim.runFor(Duration.ofNanos(fires - 1));
            assertThat(e.timers).as(ppm + " ppm: not yet").isEmpty();
            sim.runFor(Duration.ofNanos(1));
            assertThat(e.timers).as(ppm + " ppm: a 100 ms timer fires after 100 ms of the node's own time").containsExactly("due");
            assertThat(e.env.nanoTime() - setAt).isBetween(100_000_000L, 100_000_001L);
            assertThat(e.env.clock().nanos() - e.env.nanoTime()).as("the hardware clock keeps its offset").isEqualTo(5_000_000_000L);
        }
    }

    @Test
    void requestListenersSeeInvocationsAndCompletionsInTrueTime() {
        Simulation sim = new Simulation(2).clockBounds(ClockBounds.PERFECT);
        sim.network().delay(Duration.ofMillis(2), Duration.ofMillis(2));
        sim.add(id("e-1"), TestCores.Echo::new);
        sim.add(id("e-2"), TestCores.Echo::new);
        List<String> seen = new ArrayList<>();
        sim.addRequestListener(new RequestListener() {
            @Override
            public void invoked(SimRequest r) {
                seen.add("invoke " + r.body() + " @" + sim.now());
            }

            @Override
            public void finished(SimRequest r) {
                seen.add((r.done() ? "ok " : "crashed ") + r.body() + " @" + sim.now());
            }
        });
        sim.request(id("e-1"), "now");
        sim.requestAt(Duration.ofMillis(5), id("e-1"), id("e-2"));
        sim.requestAt(Duration.ofMillis(6), id("e-2"), id("e-1"));
        sim.at(Duration.ofMillis(8), () -> sim.crash(id("e-2"))); // after it answered e-1, before its own answer
        sim.runFor(Duration.ofMillis(20));
        assertThat(seen).containsExactly("invoke now @0", "ok now @0", "invoke e-2 @5000000", "invoke e-1 @6000000",
                "crashed e-1 @8000000", "ok e-2 @9000000");
    }
}
