package dsys.lock.election;

import dsys.core.node.NodeId;
import dsys.core.sim.Simulation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Epochs are unique by construction: each node only declares epochs ≡ its membership position (mod n). */
class EpochTest {

    @Test
    void bothSidesOfAPartitionElect_withDifferentEpochs_andTheMinorityStepsDownOnHeal() {
        Simulation sim = new Simulation(1);
        for (int i = 1; i <= 5; i++) sim.add(NodeId.of("lock-" + i), ElectionNode::bully);
        List<NodeId> left = List.of(NodeId.of("lock-1"), NodeId.of("lock-2"));
        List<NodeId> right = List.of(NodeId.of("lock-3"), NodeId.of("lock-4"), NodeId.of("lock-5"));
        sim.network().partition(left, right);
        sim.request(NodeId.of("lock-1"), "start");
        sim.request(NodeId.of("lock-3"), "start");
        sim.runFor(Duration.ofSeconds(2));

        AbstractElection l = election(sim, "lock-1"), r = election(sim, "lock-3");
        assertThat(l.leader()).contains(NodeId.of("lock-2"));
        assertThat(r.leader()).contains(NodeId.of("lock-5"));
        assertThat(l.epoch() % 5).as("lock-2 is at position 1").isEqualTo(1);
        assertThat(r.epoch() % 5).as("lock-5 is at position 4").isEqualTo(4);

        sim.network().heal();
        // No heartbeats here, so only an election tells the stale side: lock-1's reaches lock-2, which (leading,
        // but not the highest id) holds its own; lock-5 re-announces itself to both.
        sim.request(NodeId.of("lock-1"), "start");
        sim.runFor(Duration.ofSeconds(2));
        for (int i = 1; i <= 5; i++) assertThat(election(sim, "lock-" + i).leader()).contains(NodeId.of("lock-5"));
    }

    private static AbstractElection election(Simulation sim, String n) {
        return ((ElectionNode) sim.core(NodeId.of(n))).election;
    }
}
