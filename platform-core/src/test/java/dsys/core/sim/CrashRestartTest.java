package dsys.core.sim;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.env.RequestId;
import dsys.core.message.Message;
import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dsys.core.sim.TestCores.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class CrashRestartTest {

    private static final NodeId A = id("c-1"), B = id("c-2");

    private static Simulation counters(boolean tick) {
        Simulation sim = new Simulation(11);
        sim.network().delay(Duration.ofMillis(5), Duration.ofMillis(5));
        sim.add(A, env -> new TestCores.Counter(env, tick));
        sim.add(B, TestCores.Echo::new);
        return sim;
    }

    private static long receivesAt(Simulation sim, NodeId n) {
        return sim.journal().stream().filter(e -> e.event().equals("receive") && e.node().equals(n.value())).count();
    }

    @Test
    void crashDropsCoreTimersAndVolatileStateRestartRecoversFromDurable() {
        Simulation sim = counters(true);
        for (int i = 0; i < 3; i++) sim.request(A, "inc");
        sim.runFor(Duration.ofMillis(25));
        TestCores.Counter before = (TestCores.Counter) sim.core(A);
        assertThat(before.timers).hasSize(2); // ticks at 10 and 20 ms
        assertThat(before.volatileSeen).isEqualTo(3);

        sim.crash(A);
        assertThat(sim.isUp(A)).isFalse();
        assertThat(sim.core(A)).isNull();
        sim.runFor(Duration.ofMillis(50));
        assertThat(before.timers).as("the old core's timer chain died with it").hasSize(2);

        sim.restart(A);
        TestCores.Counter after = (TestCores.Counter) sim.core(A);
        assertThat(after).isNotSameAs(before);
        assertThat(after.recovered).as("onRecover ran during restart").isTrue();
        assertThat(after.started).as("onRecover, not onStart").isFalse();
        assertThat(after.value).isEqualTo(3);
        assertThat(after.volatileSeen).isZero();
        sim.runFor(Duration.ofMillis(100));
        assertThat(after.timers).as("no timer from before the crash fires on the new core").isEmpty();
        assertThat(sim.storage(A).get("value")).contains("3");
    }

    @Test
    void pendingRequestsBecomeCrashedAndRequestsToADownNodeFail() {
        Simulation sim = counters(false);
        SimRequest ping = sim.request(B, A); // B pings A, a Counter that never answers pings
        sim.runFor(Duration.ofMillis(20));
        assertThat(ping.finished()).isFalse();
        sim.crash(B);
        assertThat(ping.crashed()).isTrue();
        assertThat(ping.delivered()).isTrue();
        assertThat(ping.completedAt()).isEqualTo(sim.now());
        assertThatIllegalStateException().isThrownBy(ping::result).withMessageContaining("crashed");

        SimRequest toDown = sim.request(B, "hello");
        sim.runFor(Duration.ofMillis(1));
        assertThat(toDown.crashed()).isTrue();
        assertThat(toDown.delivered()).as("never reached a core: it surely failed").isFalse();
    }

    @Test
    void messagesInFlightToACrashedNodeAreLostButOnesSentWhileItWasDownArrive() {
        Simulation sim = counters(false);
        Env a = sim.node(A).env();
        a.send(B, new TestCores.Ping(1));                                   // arrives at 5 ms
        sim.at(Duration.ofMillis(2), () -> sim.crash(B));
        sim.at(Duration.ofMillis(3), () -> a.send(B, new TestCores.Ping(2)));  // sent while down, arrives at 8 ms
        sim.at(Duration.ofMillis(4), () -> sim.restart(B));
        sim.runFor(Duration.ofMillis(20));
        assertThat(((TestCores.Echo) sim.core(B)).received).containsExactly("c-1:Ping[n=2]");
        assertThat(receivesAt(sim, B)).isEqualTo(1);
    }

    @Test
    void logicalClocksAndMessageIdsSurviveACrash() {
        Simulation sim = counters(false);
        Env b = sim.node(B).env();
        b.send(A, new TestCores.Ping(1));
        b.send(A, new TestCores.Ping(2));
        long lamport = sim.node(B).logical().lamport();
        sim.crash(B);
        sim.restart(B);
        sim.node(B).env().send(A, new TestCores.Ping(3));
        assertThat(sim.node(B).logical().lamport()).isEqualTo(lamport + 1);
        assertThat(sim.journal().get(2).msgId()).isEqualTo("c-2-3");
    }

    @Test
    void armedCrashPointCrashesTheNodeThereOnce() {
        Simulation sim = counters(false);
        sim.armCrashPoint(A, "after-persist");
        SimRequest first = sim.request(A, "inc");
        sim.runFor(Duration.ofMillis(1));
        assertThat(sim.isUp(A)).isFalse();
        assertThat(first.crashed()).isTrue();
        assertThat(sim.storage(A).get("value")).as("written before the crash point").contains("1");

        sim.restart(A);
        SimRequest second = sim.request(A, "inc");
        sim.runFor(Duration.ofMillis(1));
        assertThat(second.result()).as("one-shot: the point is disarmed after firing").isEqualTo(2);
    }

    @Test
    void crashBeforePersistLosesTheWrite() {
        Simulation sim = counters(false);
        sim.armCrashPoint(A, "before-persist");
        sim.request(A, "inc");
        sim.runFor(Duration.ofMillis(1));
        assertThat(sim.isUp(A)).isFalse();
        assertThat(sim.storage(A).get("value")).isEmpty();
        assertThat(sim.trace(5)).contains("before-persist");
    }

    /** A careless core that swallows every exception must still die at the crash point. */
    @Test
    void aDeadIncarnationCanNoLongerActEvenIfItSwallowsTheCrash() {
        Simulation sim = new Simulation(1);
        sim.add(A, env -> new Core() {
            @Override
            public void onRequest(RequestId request, Object body) {
                try {
                    env.crashPoint("here");
                } catch (RuntimeException ignored) {
                    // swallowed
                }
                env.send(B, new TestCores.Ping(1));
                env.storage().put("k", "v");
                env.emit("after.crash", java.util.Map.of());
                env.reply(request, "zombie");
            }

            @Override
            public void onMessage(NodeId from, Message message) {
            }
        });
        sim.add(B, TestCores.Sink::new);
        sim.armCrashPoint(A, "here");
        SimRequest r = sim.request(A, "x");
        sim.runFor(Duration.ofMillis(20));
        assertThat(r.crashed()).isTrue();
        assertThat(sim.journal()).isEmpty();
        assertThat(sim.events()).isEmpty();
        assertThat(sim.storage(A).get("k")).isEmpty();
    }

    @Test
    void restartingARunningNodeIsAMistake() {
        Simulation sim = counters(false);
        assertThatIllegalStateException().isThrownBy(() -> sim.restart(A)).withMessageContaining("c-1");
        sim.crash(A);
        sim.crash(A); // crashing a down node does nothing
        assertThat(sim.isUp(A)).isFalse();
    }
}
