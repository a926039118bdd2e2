package dsys.core.sim;

import dsys.core.env.Core;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dsys.core.sim.TestCores.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FailureReportingTest {

    private static final NodeId A = id("f-1"), B = id("f-2");

    /** Two echo nodes pinging each other through a lossy network; the invariant trips on the 5th receive. */
    private static Simulation withInvariant(long seed) {
        Simulation sim = new Simulation(seed);
        sim.network().loss(0.3);
        sim.add(A, TestCores.Echo::new);
        sim.add(B, TestCores.Echo::new);
        for (int i = 0; i < 20; i++) sim.requestAt(Duration.ofMillis(i), A, B);
        sim.invariant("fewer than 5 receives", () -> {
            long n = sim.journal().stream().filter(e -> e.event().equals("receive")).count();
            if (n >= 5) throw new AssertionError("saw " + n + " receives");
        });
        return sim;
    }

    @Test
    void aFailingInvariantNamesItselfTheSeedAndTheVirtualTime() {
        Simulation sim = withInvariant(42);
        SimulationFailure f = catchThrowableOfType(() -> sim.runFor(Duration.ofSeconds(1)), SimulationFailure.class);
        assertThat(f).isNotNull();
        assertThat(f.getMessage()).contains("invariant \"fewer than 5 receives\"", "seed 42",
                "t=" + Simulation.ms(sim.now()), "saw 5 receives", "last steps:", "recv f-");
        assertThat(f.seed()).isEqualTo(42);
        assertThat(f.invariant()).isEqualTo("fewer than 5 receives");
        assertThat(f.time()).isEqualTo(sim.now()).isLessThan(1_000_000_000L);
        assertThat(f.getCause()).hasMessage("saw 5 receives");
        // The run is over: stepping again reports the same failure instead of going on from a broken state.
        assertThatThrownBy(sim::step).isSameAs(f);
    }

    @Test
    void theSameSeedFailsAtTheSameStep() {
        SimulationFailure a = catchThrowableOfType(() -> withInvariant(9).runFor(Duration.ofSeconds(1)), SimulationFailure.class);
        SimulationFailure b = catchThrowableOfType(() -> withInvariant(9).runFor(Duration.ofSeconds(1)), SimulationFailure.class);
        assertThat(b.time()).isEqualTo(a.time());
        assertThat(b.getMessage()).isEqualTo(a.getMessage());
    }

    @Test
    void aCoreThatThrowsFailsTheRunWithNodeHandlerAndSeed() {
        Simulation sim = new Simulation(77);
        sim.add(A, env -> new Core() {
            @Override
            public void onRequest(RequestId request, Object body) {
            }

            @Override
            public void onMessage(NodeId from, Message m) {
                throw new IllegalStateException("unexpected " + m);
            }
        });
        sim.add(B, TestCores.Echo::new);
        sim.node(B).env().send(A, new TestCores.Ping(3));
        assertThatThrownBy(() -> sim.runFor(Duration.ofMillis(20)))
                .isInstanceOf(SimulationFailure.class)
                .hasMessageContaining("f-1 threw in onMessage(Ping[n=3])")
                .hasMessageContaining("seed 77")
                .hasRootCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void replyingToAnotherNodesRequestFailsTheRun() {
        Simulation sim = new Simulation(3);
        sim.add(A, TestCores.Echo::new);
        sim.add(B, TestCores.Echo::new);
        SimRequest r = sim.request(A, B); // A pings B; now B wrongly tries to answer A's client
        sim.at(Duration.ofMillis(20), () -> sim.node(B).env().reply(r.id(), "stolen"));
        assertThatThrownBy(() -> sim.runFor(Duration.ofMillis(30)))
                .isInstanceOf(SimulationFailure.class).hasMessageContaining("only the node holding a request");
    }

    @Test
    void aZeroDelayTimerLoopIsReportedAsNoProgress() {
        Simulation sim = new Simulation(1);
        sim.maxStepsAtOneInstant = 10_000;
        sim.add(A, env -> new Core() {
            @Override
            public void onStart() {
                env.after(Duration.ZERO, "again");
            }

            @Override
            public void onTimer(Object t) {
                env.after(Duration.ZERO, t);
            }

            @Override
            public void onRequest(RequestId request, Object body) {
            }

            @Override
            public void onMessage(NodeId from, Message m) {
            }
        });
        assertThatThrownBy(() -> sim.runFor(Duration.ofMillis(1)))
                .isInstanceOf(SimulationFailure.class).hasMessageContaining("no progress");
    }

    @Test
    void stepReportsAnEmptyQueue() {
        Simulation sim = new Simulation(1);
        assertThat(sim.step()).isFalse();
        sim.add(A, TestCores.Sink::new);
        assertThat(sim.step()).as("onStart").isTrue();
        assertThat(sim.step()).isFalse();
    }
}
