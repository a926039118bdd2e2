package dsys.lock.election;

import dsys.core.event.Event;
import dsys.core.node.NodeId;
import dsys.core.sim.Simulation;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Every step of an election is an event: what the console and the verifier read. */
class ElectionEventsTest {

    private static Map<String, Long> kinds(Simulation sim) {
        Map<String, Long> m = new TreeMap<>();
        for (Event e : sim.events()) m.merge(e.kind(), 1L, Long::sum);
        return m;
    }

    @Test
    void bullyWorstCaseWithThreeNodes() {
        Simulation sim = new Simulation(3);
        for (int i = 1; i <= 3; i++) sim.add(NodeId.of("lock-" + i), ElectionNode::bully);
        sim.crash(NodeId.of("lock-3"));
        sim.request(NodeId.of("lock-1"), "start");
        sim.runFor(Duration.ofSeconds(2));

        assertThat(kinds(sim)).isEqualTo(Map.of(
                "election.start", 2L,       // lock-1, then lock-2 on lock-1's ELECTION
                "election.message", 5L,     // one per message sent: n²−n−1
                "election.answered", 1L,    // lock-1 got lock-2's OK
                "election.timeout", 1L,     // lock-2 heard no OK from the dead lock-3
                "election.elected", 1L,     // lock-2 declares itself
                "election.leader", 2L));    // both live nodes adopt it
        Event elected = sim.events().stream().filter(e -> e.kind().equals("election.elected")).findFirst().orElseThrow();
        assertThat(elected.node()).isEqualTo("lock-2");
        assertThat(elected.fields()).containsEntry("leader", "lock-2").containsEntry("algorithm", "bully");
    }

    @Test
    void ringWithOneDeadNode() {
        Simulation sim = new Simulation(4);
        for (int i = 1; i <= 4; i++) sim.add(NodeId.of("lock-" + i), ElectionNode::ring);
        sim.crash(NodeId.of("lock-3"));
        sim.request(NodeId.of("lock-1"), "start");
        sim.runFor(Duration.ofSeconds(2));

        assertThat(kinds(sim)).isEqualTo(Map.of(
                "election.start", 1L,
                "election.message", sim.messagesSent(), // 5 ELECTION, 5 COORDINATOR, 6 acks
                "election.skip", 2L,                    // lock-2 skips lock-3, once per message
                "election.elected", 1L,                 // lock-1 sees its list come back
                "election.leader", 3L,
                "election.done", 1L));                  // its COORDINATOR came back: the round is over
        assertThat(sim.messagesSent()).isEqualTo(16);
    }
}
