package dsys.core.sim;

import dsys.core.clock.Causality;
import dsys.core.clock.VectorTime;
import dsys.core.env.Env;
import dsys.core.env.Rejection;
import dsys.core.env.TimerId;
import dsys.core.event.Event;
import dsys.core.node.Membership;
import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dsys.core.sim.TestCores.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SimulationApiTest {

    private static final NodeId A = id("kv-1"), B = id("kv-2");

    private static Simulation pair(long seed) {
        Simulation sim = new Simulation(seed).clockBounds(ClockBounds.PERFECT); // timers due at exact times
        sim.add(B, TestCores.Echo::new);
        sim.add(A, TestCores.Echo::new);
        return sim;
    }

    @Test
    void membersAreTheAddedNodesOfTheSameServiceInOrder() {
        Simulation sim = pair(1);
        sim.add(id("kv-10"), TestCores.Sink::new);
        sim.add(id("lock-1"), TestCores.Sink::new);
        assertThat(sim.node(A).env().members()).isEqualTo(Membership.of("kv-1", "kv-2", "kv-10"));
        assertThat(sim.node(id("lock-1")).env().members().nodes()).containsExactly(id("lock-1"));
        assertThat(sim.nodes()).containsExactly(A, B, id("kv-10"), id("lock-1"));
        assertThatIllegalArgumentException().isThrownBy(() -> sim.add(A, TestCores.Sink::new));
        assertThatIllegalArgumentException().isThrownBy(() -> sim.isUp(id("kv-9"))).withMessageContaining("kv-9");
    }

    @Test
    void aRequestIsAnsweredThroughAPingPongAndTimedInVirtualTime() {
        Simulation sim = pair(2);
        SimRequest r = sim.requestAt(Duration.ofMillis(3), A, B);
        assertThat(r.invokedAt()).isEqualTo(3_000_000L);
        assertThat(sim.runUntil(r::done, Duration.ofSeconds(1))).isTrue();
        assertThat(r.result()).isEqualTo(B);
        assertThat(r.completedAt()).isEqualTo(sim.now()).isBetween(5_000_000L, 23_000_000L);
        assertThat(sim.messageCounts()).containsExactly(Map.entry("Ping", 1L), Map.entry("Pong", 1L));
        assertThat(sim.messagesSent()).isEqualTo(2);
        sim.resetCounts();
        assertThat(sim.messageCounts()).isEmpty();
        assertThat(sim.messagesSent()).isZero();
        assertThat(sim.journal()).hasSize(4);
    }

    @Test
    void runUntilGivesUpAtTheLimitAndRunForAdvancesTimeExactly() {
        Simulation sim = pair(3);
        SimRequest r = sim.request(A, id("kv-7")); // no such node: the ping is dropped, never answered
        assertThat(sim.runUntil(r::done, Duration.ofMillis(250))).isFalse();
        assertThat(sim.now()).isEqualTo(250_000_000L);
        assertThat(sim.trace(5)).contains("no such node");
        sim.runFor(Duration.ofMillis(7));
        assertThat(sim.now()).isEqualTo(257_000_000L);
        assertThatIllegalArgumentException().isThrownBy(() -> sim.at(Duration.ofMillis(1), () -> { }))
                .withMessageContaining("past");
    }

    @Test
    void theFirstReplyWinsAndRejectionsAreResults() {
        Simulation sim = pair(4);
        SimRequest r = sim.request(A, "x");
        sim.runFor(Duration.ofMillis(1));
        assertThat(r.result()).isEqualTo("x");
        sim.node(A).env().reply(r.id(), "late");
        assertThat(r.result()).isEqualTo("x");

        SimRequest rej = sim.request(A, Rejection.conflict("busy", "try later"));
        sim.runFor(Duration.ofMillis(1));
        assertThat(rej.rejected()).isTrue();
    }

    @Test
    void receiveStampsAreLaterThanTheirSendInLamportAndVectorTime() {
        Simulation sim = new Simulation(5);
        for (int i = 1; i <= 4; i++) sim.add(id("g-" + i), TestCores.Gossiper::new);
        sim.runFor(Duration.ofMillis(300));
        Map<String, JournalEntry> sends = new HashMap<>();
        int receives = 0;
        for (JournalEntry e : sim.journal()) {
            if (e.event().equals("send")) {
                sends.put(e.msgId(), e);
                continue;
            }
            JournalEntry s = sends.get(e.msgId());
            assertThat(e.lamport()).isGreaterThan(s.lamport());
            assertThat(s.vector().compare(e.vector())).isEqualTo(Causality.BEFORE);
            assertThat(e.time()).isGreaterThan(s.time());
            receives++;
        }
        assertThat(receives).isGreaterThan(100);
        assertThat(sim.journal().get(0).msgId()).matches("g-\\d-1");
    }

    @Test
    void emitTicksTheClocksAndRecordsTrueAndClockTime() {
        Simulation sim = new Simulation(6);
        sim.add(A, TestCores.Sink::new, 2_000_000_000L, 1000); // 2 s ahead, 1000 ppm fast
        sim.runFor(Duration.ofSeconds(1));
        Env env = sim.node(A).env();
        env.emit("test.step", Map.of("b", 2, "a", 1));
        Event e = sim.events().get(0);
        assertThat(e).isEqualTo(new Event("kv", "kv-1", "test.step", 1, new VectorTime(Map.of("kv-1", 1L)),
                1000, 3001, Map.of("a", 1, "b", 2)));
        assertThat(sim.clock(A).nanos()).isEqualTo(env.clock().nanos()).isEqualTo(3_001_000_000L);
        assertThat(env.nanoTime()).as("the monotonic clock: same oscillator, from 0").isEqualTo(1_001_000_000L);
    }

    @Test
    void timersFireInVirtualTimeUnlessCancelledAndSelfMessagesArriveLater() {
        Simulation sim = pair(7);
        TestCores.Echo a = (TestCores.Echo) sim.core(A);
        a.env.after(Duration.ofMillis(30), "kept");
        TimerId gone = a.env.after(Duration.ofMillis(10), "cancelled");
        a.env.cancel(gone);
        a.env.send(A, new TestCores.Ping(1));
        sim.runFor(Duration.ofMillis(29));
        assertThat(a.timers).isEmpty();
        assertThat(a.received).containsExactly("kv-1:Ping[n=1]", "kv-1:Pong[n=1]");
        sim.runFor(Duration.ofMillis(1));
        assertThat(a.timers).containsExactly("kept");
    }

    @Test
    void journalEntriesAreTheDocumentedJson() {
        JournalEntry e = new JournalEntry("send", "kv-1", "kv-2", "kv-1-17", "Prepare \"x\"", 12,
                new VectorTime(Map.of("kv-2", 1L, "kv-1", 3L)), 1234);
        assertThat(e.toJson()).isEqualTo("{\"event\":\"send\",\"node\":\"kv-1\",\"peer\":\"kv-2\",\"msgId\":\"kv-1-17\","
                + "\"type\":\"Prepare \\\"x\\\"\",\"lamport\":12,\"vector\":{\"kv-1\":3,\"kv-2\":1},\"time\":1234}");
        Simulation sim = pair(8);
        sim.request(A, B);
        sim.runFor(Duration.ofMillis(50));
        assertThat(sim.journalJson().lines()).hasSize(4).allMatch(l -> l.startsWith("{\"event\":\""));
    }

    @Test
    void storageSurvivesAndScansByPrefixInKeyOrder() {
        MemoryDurable d = new MemoryDurable();
        d.put("log/2", "b");
        d.put("log/10", "c");
        d.put("log/1", "a");
        d.put("meta", "m");
        assertThat(d.scan("log/")).containsExactly(Map.entry("log/1", "a"), Map.entry("log/10", "c"), Map.entry("log/2", "b"));
        d.remove("log/10");
        assertThat(d.scan("log/").keySet()).isEqualTo(java.util.Set.of("log/1", "log/2"));
        assertThat(d.get("nope")).isEmpty();
        assertThat(List.copyOf(d.scan("").keySet())).hasSize(3);
    }
}
