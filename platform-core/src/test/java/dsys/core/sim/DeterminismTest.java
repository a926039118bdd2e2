package dsys.core.sim;

import dsys.core.event.Event;
import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dsys.core.sim.TestCores.id;
import static org.assertj.core.api.Assertions.assertThat;

class DeterminismTest {

    private static final List<NodeId> NODES = List.of(id("g-1"), id("g-2"), id("g-3"), id("g-4"), id("g-5"));

    /** A faulty run using every source of randomness: network, node random, drifting clocks, crash and pause. */
    private static Simulation run(long seed) {
        Simulation sim = new Simulation(seed);
        sim.network().loss(0.1).duplicate(0.05).reorder(0.2, Duration.ofMillis(15));
        for (int i = 0; i < NODES.size(); i++) {
            sim.add(NODES.get(i), TestCores.Gossiper::new, i * 1_000_000L, i * 50.0 - 100);
        }
        sim.at(Duration.ofMillis(30), () -> sim.network().partition(List.of(id("g-1"), id("g-2"))));
        sim.at(Duration.ofMillis(40), () -> sim.crash(id("g-3")));
        sim.at(Duration.ofMillis(55), () -> sim.restart(id("g-3")));
        sim.at(Duration.ofMillis(60), () -> sim.pause(id("g-4"), Duration.ofMillis(20)));
        sim.at(Duration.ofMillis(90), () -> sim.network().heal());
        for (int i = 0; i < 20; i++) sim.requestAt(Duration.ofMillis(5L * i), NODES.get(i % 5), "q" + i);
        sim.runFor(Duration.ofMillis(400));
        return sim;
    }

    @Test
    void sameSeedGivesIdenticalEventsJournalAndTrace() {
        Simulation a = run(42), b = run(42);
        assertThat(a.events()).hasSizeGreaterThan(200);
        assertThat(a.journal()).hasSizeGreaterThan(200);
        assertThat(b.events()).isEqualTo(a.events());
        assertThat(b.journal()).isEqualTo(a.journal());
        assertThat(b.journalJson()).isEqualTo(a.journalJson());
        assertThat(b.trace(500)).isEqualTo(a.trace(500));
        assertThat(b.messageCounts()).isEqualTo(a.messageCounts());
        assertThat(b.now()).isEqualTo(a.now());
    }

    @Test
    void eventFieldsAreInKeyOrderSoTheirTextIsStableAcrossJvms() {
        Simulation sim = new Simulation(1);
        sim.add(id("g-1"), TestCores.Sink::new);
        // Map.of iterates in an order that changes between JVMs; with 8 keys it is rarely sorted by chance.
        sim.node(id("g-1")).env().emit("x", java.util.Map.of("h", 1, "g", 2, "f", 3, "e", 4, "d", 5, "c", 6, "b", 7, "a", 8));
        Event e = sim.events().get(0);
        assertThat(List.copyOf(e.fields().keySet())).containsExactly("a", "b", "c", "d", "e", "f", "g", "h");
    }

    @Test
    void differentSeedsGiveDifferentRuns() {
        Simulation a = run(1), b = run(2);
        assertThat(b.journal()).isNotEqualTo(a.journal());
        assertThat(b.events()).isNotEqualTo(a.events());
    }

    @Test
    void nodeRandomDependsOnSeedAndNodeOnly() {
        long a1 = Simulation.nodeSeed(7, id("kv-1")), a2 = Simulation.nodeSeed(7, id("kv-2"));
        assertThat(a1).isEqualTo(Simulation.nodeSeed(7, id("kv-1"))).isNotEqualTo(a2)
                .isNotEqualTo(Simulation.nodeSeed(8, id("kv-1")));
        // Adding another node does not change an existing node's stream.
        Simulation one = new Simulation(7), two = new Simulation(7);
        one.add(id("kv-1"), TestCores.Sink::new);
        two.add(id("kv-0"), TestCores.Sink::new);
        two.add(id("kv-1"), TestCores.Sink::new);
        assertThat(two.node(id("kv-1")).env().random().nextLong())
                .isEqualTo(one.node(id("kv-1")).env().random().nextLong());
    }
}
