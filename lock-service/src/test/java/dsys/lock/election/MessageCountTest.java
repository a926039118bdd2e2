package dsys.lock.election;

import dsys.core.env.Core;
import dsys.core.env.Env;
import dsys.core.node.NodeId;
import dsys.core.sim.Seeds;
import dsys.core.sim.Simulation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failure-free message counts (no loss, no duplication; random 1–10 ms delays, all far below the timeouts)
 * against the notes' figures. Nodes lock-1..n, bully id = index. Formulas (derivation in docs/coordination.md):
 * <ul>
 * <li>bully, leader n crashed, lowest id detects (worst case): every live j starts once and sends ELECTION to the
 *     n−j higher ids, every live receiver answers OK, n−1 wins and tells the n−2 lower ones:
 *     n(n−1)/2 + (n−1)(n−2)/2 + (n−2) = n²−n−1 — O(n²);</li>
 * <li>bully, leader n crashed, n−1 detects (best case): 1 ELECTION (to the dead n) + n−2 COORDINATOR = n−1;
 *     the notes' n−2 counts the coordinator messages only;</li>
 * <li>bully, all alive with leader n, lowest id detects: n(n−1)/2 ELECTION + n(n−1)/2 OK, and the leader, instead of
 *     re-electing, re-announces itself to each of the n−1 nodes that sent it ELECTION: n²−1;</li>
 * <li>ring, one initiator, all alive: n ELECTION + n COORDINATOR = 2n (the notes), plus one ack per hop = 2n;
 *     with one crashed node and 2 tries per hop, (n−1)+2 of each, and 2(n−1) acks.</li>
 * </ul>
 */
class MessageCountTest {

    private static final int SEEDS = 100;

    private static NodeId node(int i) {
        return NodeId.of("lock-" + i);
    }

    private static Simulation cluster(long seed, int n, Function<Env, Core> factory) {
        Simulation sim = new Simulation(seed);
        for (int i = 1; i <= n; i++) sim.add(node(i), factory);
        sim.runFor(Duration.ofMillis(1));
        return sim;
    }

    private static AbstractElection election(Simulation sim, int i) {
        return ((ElectionNode) sim.core(node(i))).election;
    }

    /** Starts at {@code starter}, runs to quiescence, checks the leader everywhere, returns the sim's counts. */
    private static Map<String, Long> elect(Simulation sim, int n, int starter, int expectedLeader) {
        sim.resetCounts();
        sim.request(node(starter), "start");
        sim.runFor(Duration.ofSeconds(5));
        for (int i = 1; i <= n; i++) {
            if (!sim.isUp(node(i))) continue;
            assertThat(election(sim, i).leader()).as("leader at lock-%d", i).contains(node(expectedLeader));
            assertThat(election(sim, i).inProgress()).isFalse();
        }
        // what the nodes counted per round (the REST API reports these) must equal what the network saw
        Map<String, Long> tallied = new TreeMap<>();
        String round = null;
        for (var e : sim.events()) if (e.kind().equals("election.start") && e.node().equals(node(starter).value())) round = (String) e.fields().get("round");
        for (int i = 1; i <= n; i++) {
            if (sim.isUp(node(i))) election(sim, i).messagesInRound(round).forEach((k, v) -> tallied.merge(k, v, Long::sum));
        }
        assertThat(tallied).isEqualTo(sim.messageCounts());
        return sim.messageCounts();
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {3, 5})
    void bully_worstCase_lowestIdDetectsDeadLeader(int n) {
        Seeds.run("bully worst n=" + n, SEEDS, seed -> {
            Simulation sim = cluster(seed, n, ElectionNode::bully);
            sim.crash(node(n));
            Map<String, Long> c = elect(sim, n, 1, n - 1);
            assertThat(c).isEqualTo(Map.of(
                    "bully.election", (long) n * (n - 1) / 2,
                    "bully.ok", (long) (n - 1) * (n - 2) / 2,
                    "bully.coordinator", (long) n - 2));
            assertThat(sim.messagesSent()).isEqualTo((long) n * n - n - 1);
        });
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {3, 5})
    void bully_bestCase_secondHighestDetectsDeadLeader(int n) {
        Seeds.run("bully best n=" + n, SEEDS, seed -> {
            Simulation sim = cluster(seed, n, ElectionNode::bully);
            sim.crash(node(n));
            Map<String, Long> c = elect(sim, n, n - 1, n - 1);
            assertThat(c).isEqualTo(Map.of("bully.election", 1L, "bully.coordinator", (long) n - 2));
            assertThat(sim.messagesSent()).isEqualTo(n - 1);
        });
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {3, 5})
    void bully_allAlive_lowestIdStarts_leaderReannounces(int n) {
        Seeds.run("bully all alive n=" + n, SEEDS, seed -> {
            Simulation sim = cluster(seed, n, ElectionNode::bully);
            sim.network().delay(Duration.ofMillis(5), Duration.ofMillis(5)); // see below
            elect(sim, n, n, n);
            long epoch = election(sim, n).epoch();
            Map<String, Long> c = elect(sim, n, 1, n);
            // With equal delays every ELECTION reaches a node before the leader's answer to that node's own ELECTION;
            // with random delays a node may take the answer first and then re-elect on a late ELECTION.
            assertThat(c).isEqualTo(Map.of(
                    "bully.election", (long) n * (n - 1) / 2,
                    "bully.ok", (long) n * (n - 1) / 2,
                    "bully.coordinator", (long) n - 1));
            assertThat(sim.messagesSent()).isEqualTo((long) n * n - 1);
            assertThat(election(sim, 1).epoch()).as("the leader kept its epoch").isEqualTo(epoch);
        });
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {3, 5})
    void ring_oneInitiator_allAlive(int n) {
        Seeds.run("ring n=" + n, SEEDS, seed -> {
            Simulation sim = cluster(seed, n, ElectionNode::ring);
            int starter = 1 + (int) (seed % n);
            Map<String, Long> c = elect(sim, n, starter, n);
            assertThat(c).isEqualTo(Map.of("ring.election", (long) n, "ring.coordinator", (long) n, "ring.ack", 2L * n));
            assertThat(c.get("ring.election") + c.get("ring.coordinator")).isEqualTo(2L * n);
        });
    }

    @ParameterizedTest(name = "n={0}")
    @ValueSource(ints = {3, 5})
    void ring_oneCrashedNode_isSkippedAfterTwoTries(int n) {
        Seeds.run("ring skip n=" + n, SEEDS, seed -> {
            Simulation sim = cluster(seed, n, ElectionNode::ring);
            sim.crash(node(2));
            Map<String, Long> c = elect(sim, n, 1, n);
            assertThat(c).isEqualTo(Map.of("ring.election", (long) n - 1 + 2, "ring.coordinator", (long) n - 1 + 2,
                    "ring.ack", 2L * (n - 1)));
            assertThat(sim.events().stream().filter(e -> e.kind().equals("election.skip")).count()).isEqualTo(2);
        });
    }
}
