package dsys.core.sim;

import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dsys.core.sim.TestCores.id;
import static org.assertj.core.api.Assertions.assertThat;

class PauseTest {

    private static final NodeId A = id("z-1"), B = id("z-2");

    @Test
    void aPausedNodeHandlesMessagesTimersAndRequestsOnlyWhenThePauseEndsInDueOrder() {
        Simulation sim = new Simulation(5).clockBounds(ClockBounds.PERFECT); // exact due times, below
        sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(1));
        sim.add(A, TestCores.Echo::new);
        sim.add(B, TestCores.Echo::new);
        sim.runFor(Duration.ofMillis(1));
        sim.pause(B, Duration.ofMillis(50)); // until 51 ms
        TestCores.Echo b = (TestCores.Echo) sim.core(B);
        b.env.after(Duration.ofMillis(10), "t1");
        for (int i = 1; i <= 3; i++) {
            int k = i;
            sim.at(Duration.ofMillis(i * 5L), () -> sim.node(A).env().send(B, new TestCores.Ping(k)));
        }
        SimRequest r = sim.requestAt(Duration.ofMillis(20), B, "echo");

        sim.runFor(Duration.ofMillis(49));
        assertThat(b.received).isEmpty();
        assertThat(b.timers).isEmpty();
        assertThat(r.finished()).isFalse();
        long clockDuringPause = sim.clock(B).nanos();
        assertThat(clockDuringPause).as("a pause stops the process, not its clock").isEqualTo(sim.now());

        sim.runFor(Duration.ofMillis(1)); // 51 ms
        assertThat(b.received).containsExactly("z-1:Ping[n=1]", "z-1:Ping[n=2]", "z-1:Ping[n=3]");
        assertThat(b.timers).containsExactly("t1");
        assertThat(r.completedAt()).isEqualTo(51_000_000L);
        assertThat(sim.journal().stream().filter(e -> e.event().equals("receive") && e.node().equals("z-2")))
                .allMatch(e -> e.time() == 51_000_000L);
        // The order they came due in: ping at 6; timer (scheduled first) and ping at 11; ping at 16; request at 20.
        assertThat(sim.trace(12)).containsSubsequence("recv z-1-1", "timer", "recv z-1-2", "recv z-1-3", "request r1");
    }

    @Test
    void whatWaitsInsideAPausedNodeDiesWithIt() {
        Simulation sim = new Simulation(5);
        sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(1));
        sim.add(A, TestCores.Echo::new);
        sim.add(B, TestCores.Echo::new);
        sim.runFor(Duration.ofMillis(1));
        sim.pause(B, Duration.ofMillis(50));
        SimRequest waiting = sim.requestAt(Duration.ofMillis(5), B, "stuck");
        SimRequest later = sim.requestAt(Duration.ofMillis(40), B, "after restart");
        sim.node(A).env().send(B, new TestCores.Ping(1));
        sim.at(Duration.ofMillis(10), () -> sim.crash(B));
        sim.at(Duration.ofMillis(20), () -> sim.restart(B));
        sim.runFor(Duration.ofMillis(100));
        assertThat(waiting.crashed()).isTrue();
        assertThat(waiting.delivered()).isFalse();
        assertThat(waiting.completedAt()).isEqualTo(10_000_000L);
        assertThat(later.result()).as("the restarted node is not paused").isEqualTo("after restart");
        assertThat(later.completedAt()).isEqualTo(40_000_000L);
        assertThat(((TestCores.Echo) sim.core(B)).received).isEmpty();
    }

    @Test
    void aPauseDoesNotDelayOtherNodes() {
        Simulation sim = new Simulation(5);
        sim.network().delay(Duration.ofMillis(1), Duration.ofMillis(1));
        sim.add(A, TestCores.Echo::new);
        sim.add(B, TestCores.Echo::new);
        sim.pause(B, Duration.ofMillis(30));
        sim.node(B).env().send(A, new TestCores.Ping(1)); // B's outgoing message left before the pause applies
        sim.runFor(Duration.ofMillis(5));
        assertThat(((TestCores.Echo) sim.core(A)).received).containsExactly("z-2:Ping[n=1]");
        assertThat(((TestCores.Echo) sim.core(B)).received).isEmpty(); // A's pong waits
        sim.runFor(Duration.ofMillis(30));
        assertThat(((TestCores.Echo) sim.core(B)).received).containsExactly("z-1:Pong[n=1]");
    }
}
