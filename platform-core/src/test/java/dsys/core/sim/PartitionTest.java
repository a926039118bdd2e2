package dsys.core.sim;

import dsys.core.node.NodeId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static dsys.core.sim.TestCores.id;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PartitionTest {

    private static final NodeId A = id("p-1"), B = id("p-2"), C = id("p-3"), D = id("p-4");

    private static Simulation cluster() {
        Simulation sim = new Simulation(3);
        for (NodeId n : List.of(A, B, C, D)) sim.add(n, TestCores.Sink::new);
        return sim;
    }

    /** Every node sends to every other node once a millisecond for {@code d}. */
    private static void allToAll(Simulation sim, Duration d) {
        long end = sim.now() + d.toNanos();
        for (long t = sim.now(); t < end; t += 1_000_000) {
            sim.at(Duration.ofNanos(t), () -> {
                for (NodeId from : sim.nodes())
                    for (NodeId to : sim.nodes())
                        if (!from.equals(to)) sim.node(from).env().send(to, new TestCores.Ping(0));
            });
        }
        sim.runFor(d.plusMillis(20));
    }

    /** The directed links "from>to" that carried a message received after {@code since}. */
    private static Set<String> linksUsed(Simulation sim, long since) {
        Set<String> links = new TreeSet<>();
        for (JournalEntry e : sim.journal()) {
            if (e.event().equals("receive") && e.time() >= since) links.add(e.peer() + ">" + e.node());
        }
        return links;
    }

    @Test
    void nodesInDifferentGroupsCannotTalkEitherWay() {
        Simulation sim = cluster();
        sim.network().partition(List.of(A, B), List.of(C, D));
        allToAll(sim, Duration.ofMillis(50));
        assertThat(linksUsed(sim, 0)).containsExactly("p-1>p-2", "p-2>p-1", "p-3>p-4", "p-4>p-3");
    }

    @Test
    void nodesNamedInNoGroupFormTheirOwnGroup() {
        Simulation sim = cluster();
        sim.network().partition(List.of(A));
        assertThat(sim.network().canDeliver(B, C)).isTrue();
        assertThat(sim.network().canDeliver(A, B)).isFalse();
        allToAll(sim, Duration.ofMillis(20));
        assertThat(linksUsed(sim, 0)).noneMatch(l -> l.contains("p-1"))
                .contains("p-2>p-3", "p-3>p-4", "p-4>p-2");
    }

    @Test
    void blockIsOneWay() {
        Simulation sim = cluster();
        sim.network().block(A, B);
        allToAll(sim, Duration.ofMillis(20));
        assertThat(linksUsed(sim, 0)).doesNotContain("p-1>p-2").contains("p-2>p-1", "p-1>p-3");
    }

    @Test
    void isolateCutsOneNodeOffButNotFromItself() {
        Simulation sim = cluster();
        sim.network().isolate(C);
        sim.node(C).env().send(C, new TestCores.Ping(1));
        allToAll(sim, Duration.ofMillis(20));
        assertThat(linksUsed(sim, 0)).contains("p-3>p-3").noneMatch(l -> l.contains("p-3") && !l.equals("p-3>p-3"));
    }

    @Test
    void healRestoresEveryLinkAndTrafficResumes() {
        Simulation sim = cluster();
        sim.network().partition(List.of(A, B), List.of(C, D)).block(B, A).isolate(D);
        allToAll(sim, Duration.ofMillis(20));
        assertThat(linksUsed(sim, 0)).containsExactly("p-1>p-2");
        sim.network().heal();
        long healedAt = sim.now();
        allToAll(sim, Duration.ofMillis(20));
        assertThat(linksUsed(sim, healedAt)).hasSize(12);
    }

    @Test
    void aPartitionAlsoCutsMessagesAlreadyInFlight() {
        Simulation sim = cluster();
        sim.network().delay(Duration.ofMillis(5), Duration.ofMillis(5));
        sim.node(A).env().send(C, new TestCores.Ping(1));
        sim.node(A).env().send(B, new TestCores.Ping(2));
        sim.at(Duration.ofMillis(2), () -> sim.network().partition(List.of(A, B), List.of(C, D)));
        sim.runFor(Duration.ofMillis(10));
        assertThat(linksUsed(sim, 0)).containsExactly("p-1>p-2");
        assertThat(sim.trace(50)).contains("partitioned in flight");
    }

    @Test
    void aNodeInTwoGroupsIsRejected() {
        Simulation sim = cluster();
        assertThatThrownBy(() -> sim.network().partition(List.of(A, B), List.of(B, C)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("p-2");
    }
}
